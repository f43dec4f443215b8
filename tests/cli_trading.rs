//! Issue 17 (part 1) through the real binary as the runtime role: the rules file checked and
//! imported, a period counted, a project registered with a section, a room booked; bad input exits
//! 2 naming the flag or the line.

mod common;

use common::{app_url, bin, run};
use sqlx::PgPool;

fn as_op(home: &std::path::Path, url: &str, who: &str) -> std::process::Command {
    let mut c = bin(home);
    c.env("DATABASE_URL", url)
        .env("ONEWINDOW_OPERATOR", who)
        .env("ONEWINDOW_PASSWORD", "demo1234");
    c
}

const RULES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/trading/rules.toml");

fn credit() -> String {
    let first17 = "91341100MA2N4KL80";
    format!(
        "{first17}{}",
        onewindow::domain::cases::validate::credit_code_check(first17).unwrap()
    )
}

#[sqlx::test(migrator = "onewindow::store::MIGRATOR")]
async fn a_project_from_rules_to_a_booked_room(pool: PgPool) {
    onewindow::store::seed::seed(&pool, 5, 0).await.unwrap();
    sqlx::query(
        "insert into operators (code, name, department_id, roles, password_hash)
         select c, '交易登记员', department_id, array['trading_clerk'], password_hash
         from operators, unnest(array['tclerk2']) as c where code = 'admin'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let url = app_url(&pool).await;

    // A broken copy of the rules is refused with its line; nothing is imported.
    let bad = h.join("rules.toml");
    let text = std::fs::read_to_string(RULES).unwrap();
    std::fs::write(
        &bad,
        text.replacen("unit = \"working_day\"", "unit = \"weeks\"", 1),
    )
    .unwrap();
    let (code, _, err) = run(bin(h).args(["trade", "rules", "check"]).arg(&bad));
    assert_eq!(code, 2, "{err}");
    let line = text
        .lines()
        .position(|l| l.contains("unit = \"working_day\""))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!(":{line}:")) || err.contains(&format!("line {line}")),
        "{err}"
    );
    // Before any import, registering says what to do.
    let (code, _, err) = run(as_op(h, &url, "tclerk").args([
        "trade",
        "project",
        "add",
        "--line",
        "GC",
        "--title",
        "城东小学改造",
        "--tenderer-code",
        &credit(),
        "--tenderer-name",
        "县教育局",
        "--level",
        "urban",
        "--fund-source",
        "财政资金",
        "--amount",
        "1000000",
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("trade rules import"), "{err}");
    // Only an administrator imports.
    let (code, _, err) = run(as_op(h, &url, "tclerk").args(["trade", "rules", "import", RULES]));
    assert_eq!(code, 1, "{err}");
    let (code, out, err) = run(as_op(h, &url, "admin").args(["trade", "rules", "import", RULES]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("rule set 2026-1 imported"), "{out}");
    let (code, out, err) = run(as_op(h, &url, "admin").args(["trade", "rules", "show"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("period\tGC\ttender\t20\tday\t招标投标法 第24条\t◐"),
        "{out}"
    );

    // 5 工作日 for a procurement notice, across National Day (the seed loaded 2026's calendar);
    // into 2027, whose notice is not loaded, the date is provisional (exit 4).
    let (code, out, _) = run(as_op(h, &url, "admin").args([
        "trade",
        "period",
        "--line",
        "CG",
        "--notice",
        "result",
        "--from",
        "2026-09-30",
    ]));
    assert_eq!(code, 0);
    assert!(
        out.starts_with("2026-10-13\t5 工作日 from 2026-09-30"),
        "{out}"
    );
    let (code, out, _) = run(as_op(h, &url, "admin").args([
        "trade",
        "period",
        "--line",
        "GC",
        "--notice",
        "tender",
        "--from",
        "2026-12-20",
    ]));
    assert_eq!(code, 4);
    assert!(out.contains("(provisional)"), "{out}");

    let (code, out, err) = run(as_op(h, &url, "tclerk").args([
        "trade",
        "project",
        "add",
        "--line",
        "GC",
        "--title",
        "城东小学改造",
        "--tenderer-code",
        &credit(),
        "--tenderer-name",
        "县教育局",
        "--level",
        "urban",
        "--fund-source",
        "财政资金",
        "--amount",
        "1000000",
    ]));
    assert_eq!(code, 0, "{err}");
    let project = out.split('\t').next().unwrap().to_string();
    assert!(out.contains("must trade in the center"), "{out}");
    // A deposit over 2 % names the flag and the article; a bad amount names its flag.
    let (code, _, err) = run(as_op(h, &url, "tclerk").args([
        "trade",
        "project",
        "section",
        &project,
        "--name",
        "施工",
        "--basis",
        "1000000",
        "--deposit",
        "20000.01",
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--deposit") && err.contains("第26条"), "{err}");
    let (code, _, err) = run(as_op(h, &url, "tclerk").args([
        "trade",
        "project",
        "section",
        &project,
        "--name",
        "施工",
        "--basis",
        "一百万",
        "--deposit",
        "1",
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--basis"), "{err}");
    let (code, out, err) = run(as_op(h, &url, "tclerk").args([
        "trade",
        "project",
        "section",
        &project,
        "--name",
        "施工",
        "--basis",
        "1000000",
        "--deposit",
        "20000",
    ]));
    assert_eq!(code, 0, "{err}");
    let udc = out.split('\t').next().unwrap().to_string();
    assert_eq!(udc.len(), 20, "{out}");

    let (code, _, err) = run(as_op(h, &url, "admin").args([
        "trade",
        "venue",
        "add",
        "K1",
        "--kind",
        "opening",
        "--name-zh",
        "第一开标室",
        "--name-en",
        "Opening room 1",
    ]));
    assert_eq!(code, 0, "{err}");
    let book = |from: &str, to: &str| {
        run(as_op(h, &url, "tclerk").args([
            "trade",
            "venue",
            "book",
            "K1",
            "--from",
            from,
            "--to",
            to,
            "--purpose",
            "开标",
            "--section",
            &udc,
        ]))
    };
    let (code, _, err) = book("2026-12-10 09:00", "2026-12-10 11:00");
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = book("2026-12-10 10:00", "2026-12-10 12:00");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("K1 is already booked 2026-12-10 09:00"),
        "{err}"
    );
    let (code, _, err) = book("2026-12-10 25:00", "2026-12-10 12:00");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--from"), "{err}");
    let (code, out, err) =
        run(as_op(h, &url, "tclerk").args(["trade", "venue", "list", "--date", "2026-12-10"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&format!(
            "K1\t2026-12-10 09:00\t2026-12-10 11:00\t{udc}\t开标"
        )),
        "{out}"
    );
    let (code, out, _) = run(as_op(h, &url, "tclerk").args(["trade", "project", "list"]));
    assert_eq!(code, 0);
    assert!(
        out.contains(&format!(
            "{project}\tGC\turban\t1000000.00\tyes\tregistered\t1"
        )),
        "{out}"
    );

    // A tender notice whose period ends too early is refused naming --ends and the article.
    let publish = |ends: &str| {
        run(as_op(h, &url, "tclerk").args([
            "trade",
            "notice",
            "publish",
            &udc,
            "--kind",
            "tender",
            "--title",
            "施工招标公告",
            "--ends",
            ends,
        ]))
    };
    let (code, _, err) = publish("2026-12-04");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--ends") && err.contains("招标投标法 第24条"),
        "{err}"
    );
    let (code, out, err) = publish("2099-12-31");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("published; the law's earliest end"), "{out}");
    let (code, out, _) = run(as_op(h, &url, "tclerk").args(["trade", "notice", "list"]));
    assert_eq!(code, 0);
    assert!(
        out.contains(&format!(
            "GC\t{udc}\ttender\t2099-12-31\t20 日\t施工招标公告"
        )),
        "{out}"
    );

    // A bidder registers; the list is sealed, names and number, on the command line too.
    let first17 = "91341100MA3A5B7C0";
    let bidder = format!(
        "{first17}{}",
        onewindow::domain::cases::validate::credit_code_check(first17).unwrap()
    );
    let (code, registered, err) = run(as_op(h, &url, "tclerk").args([
        "trade",
        "registration",
        "add",
        &udc,
        "--credit-code",
        &bidder,
        "--name",
        "甲建设公司",
        "--bank",
        "县农商银行",
        "--account",
        "6228480012345678",
        "--contact",
        "王经理",
        "--phone",
        "13800001111",
    ]));
    assert_eq!(code, 0, "{err}");
    let (code, out, err) =
        run(as_op(h, &url, "tclerk").args(["trade", "registration", "list", &udc]));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("sealed until the opening"), "{out}");
    assert!(
        !out.contains("甲建设公司") && !out.contains('1'),
        "neither names nor a count: {out}"
    );

    // The queue: one clerk claims, a second claimer exits 1; the project is the first's, with
    // the notice's end as its next date; an old version exits 1; the holder gives it back.
    let (code, out, err) =
        run(as_op(h, &url, "tclerk").args(["trade", "project", "claim", &project]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("claimed"), "{out}");
    let (code, _, err) =
        run(as_op(h, &url, "tclerk2").args(["trade", "project", "claim", &project]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("someone else holds it"), "{err}");
    let (code, out, err) =
        run(as_op(h, &url, "tclerk2").args(["trade", "project", "list", "--scope", "mine"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 1, "only the header: {out}");
    let (code, out, err) =
        run(as_op(h, &url, "tclerk").args(["trade", "project", "list", "--scope", "mine"]));
    assert_eq!(code, 0, "{err}");
    let row = out.lines().find(|l| l.starts_with(&project)).expect(&out);
    let cols: Vec<&str> = row.split('\t').collect();
    assert_eq!(cols[7], "tclerk", "{row}");
    assert_eq!(
        (cols[9], cols[10]),
        ("notice_end", "2100-01-01 00:00"),
        "{row}"
    );
    let version: i32 = cols[8].parse().unwrap();
    let give_back = |v: i32| {
        run(as_op(h, &url, "tclerk").args([
            "trade",
            "project",
            "give-back",
            &project,
            "--version",
            &v.to_string(),
        ]))
    };
    let (code, _, err) = give_back(version - 1);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("changed by someone else"), "{err}");
    let (code, _, err) = give_back(version);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) =
        run(as_op(h, &url, "tclerk2").args(["trade", "project", "list", "--scope", "unclaimed"]));
    assert_eq!(code, 0);
    assert!(out.contains(&project), "{out}");
    let (code, _, err) =
        run(as_op(h, &url, "tclerk").args(["trade", "project", "list", "--scope", "held"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--scope"), "{err}");

    // The bidder is told its sub-account; the statement is imported by the deposit accountant:
    // a clean one exits 0, again adds nothing, one with an unknown sub-account exits 5, a bad
    // line exits 2 naming it.
    let sub = registered
        .split("sub-account ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_else(|| panic!("{registered}"))
        .to_string();
    assert!(registered.contains("deposit 20000.00 yuan"), "{registered}");
    let paid = (chrono::Utc::now() - chrono::Duration::hours(1))
        .with_timezone(&onewindow::domain::time::zone::CENTER)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let header = "流水号,子账号,交易金额,交易时间,对方户名,对方账号,交易方式\n";
    let good = h.join("statement.csv");
    std::fs::write(
        &good,
        format!("{header}D1,{sub},20000.00,{paid},甲建设公司,6228480012345678,转账\n"),
    )
    .unwrap();
    let import = |file: &std::path::Path| {
        run(as_op(h, &url, "taccount")
            .args(["trade", "deposit", "import"])
            .arg(file))
    };
    let (code, out, err) = import(&good);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("1 lines, 1 new") && out.contains("matched\t1\t20000.00"),
        "{out}"
    );
    let (code, out, _) = import(&good);
    assert_eq!(code, 0);
    assert!(out.contains("0 new, 1 already imported"), "{out}");
    let odd = h.join("odd.csv");
    std::fs::write(
        &odd,
        format!("{header}D2,00000000019,300.00,{paid},无名公司,,转账\n"),
    )
    .unwrap();
    let (code, out, err) = import(&odd);
    assert_eq!(code, 5, "{out}{err}");
    assert!(out.contains("unknown_sub_account\t1\t300.00"), "{out}");
    assert!(err.contains("trade deposit list"), "{err}");
    let (code, out, _) = run(as_op(h, &url, "taccount").args(["trade", "deposit", "list"]));
    assert_eq!(code, 0);
    assert!(
        out.contains("unknown_sub_account\t00000000019\t300.00\t无名公司"),
        "{out}"
    );
    let bad = h.join("bad.csv");
    std::fs::write(
        &bad,
        format!("{header}D3,{sub},二万,{paid},甲建设公司,6228480012345678,转账\n"),
    )
    .unwrap();
    let (code, _, err) = import(&bad);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("line 2") && err.contains("交易金额"), "{err}");
    let (code, _, err) =
        run(as_op(h, &url, "taccount").args(["trade", "deposit", "list", "--class", "odd"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--class"), "{err}");

    // Refunds: the tender terminated, the deposit due with interest; four eyes on the command
    // line too; the payment file; the bank's confirmation.
    let today = chrono::Utc::now()
        .with_timezone(&onewindow::domain::time::zone::CENTER)
        .date_naive()
        .to_string();
    let acct = |args: &[&str]| {
        run(as_op(h, &url, "taccount")
            .args(["trade", "refund"])
            .args(args))
    };
    let (code, out, err) = acct(&["event", &udc, "--event", "terminated", "--on", &today]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("--event"), "{err}");
    let (code, out, err) = acct(&["event", &udc, "--event", "termination", "--on", &today]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("1 refund(s) due by"), "{out}");
    let (code, out, _) = acct(&["list"]);
    assert_eq!(code, 0);
    let row: Vec<String> = out
        .lines()
        .nth(1)
        .expect(&out)
        .split('\t')
        .map(String::from)
        .collect();
    let (id, version) = (row[0].clone(), row[11].clone());
    assert_eq!(
        (row[2].as_str(), row[3].as_str()),
        ("due", "20000.00"),
        "{out}"
    );
    let (code, out, err) = acct(&["prepare", &id, "--version", &version]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("20000.00 principal"), "{out}");
    let (code, _, err) = acct(&[
        "approve",
        &id,
        "--version",
        &(version.parse::<i32>().unwrap() + 1).to_string(),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("four eyes"), "{err}");
    let (code, _, err) = run(as_op(h, &url, "tdirector").args([
        "trade",
        "refund",
        "approve",
        &id,
        "--version",
        &(version.parse::<i32>().unwrap() + 1).to_string(),
    ]));
    assert_eq!(code, 0, "{err}");
    let payfile = h.join("pay.csv");
    let (code, out, err) = acct(&["payfile", "--out", payfile.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 refund(s), 20000.00 yuan"), "{out}");
    let text = std::fs::read_to_string(&payfile).unwrap();
    assert!(
        text.starts_with("付款编号,收款户名,收款账号,收款银行,金额,用途\nR"),
        "{text}"
    );
    let pay_ref = text
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_string();
    let confirm = h.join("confirm.csv");
    std::fs::write(
        &confirm,
        format!("付款编号,状态,银行流水号,时间\n{pay_ref},成功,BK01,{paid}\n"),
    )
    .unwrap();
    let (code, out, err) = acct(&["confirm", confirm.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("1 refunded, 0 failed"), "{out}");
    std::fs::write(
        &confirm,
        format!("付款编号,状态,银行流水号,时间\n{pay_ref},退回,BK01,{paid}\n"),
    )
    .unwrap();
    let (code, _, err) = acct(&["confirm", confirm.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("line 2") && err.contains("状态"), "{err}");
}
