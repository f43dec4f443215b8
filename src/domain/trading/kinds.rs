//! The names the trading rules speak in: business lines, project levels, notice kinds, refund
//! events, deposit forms. Each is stored as its `as_str` text, checked by the database.

use serde::{Deserialize, Serialize};

macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal, $zh:literal, $en:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $s)] $v,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v,)+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s,)+ }
            }

            pub fn zh(self) -> &'static str {
                match self { $($name::$v => $zh,)+ }
            }

            pub fn en(self) -> &'static str {
                match self { $($name::$v => $en,)+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|k| k.as_str() == s)
            }

            /// The accepted names, for a message that lists them.
            pub fn names() -> String {
                Self::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
            }
        }
    };
}

text_enum! {
    /// The trading center's business lines (county plan 二(四)): each under its own law and its
    /// own supervising department.
    Line {
        Construction = "GC", "工程建设", "Construction";
        Procurement = "CG", "政府采购", "Government procurement";
        Land = "TD", "土地使用权", "Land-use rights";
        Property = "CQ", "产权交易", "Property rights";
        Other = "QT", "其他", "Other";
    }
}

text_enum! {
    /// Where a project is: the urban area, or a township or street (乡镇场、街道、办事处).
    Level {
        Urban = "urban", "市区", "urban";
        Township = "township", "乡镇", "township";
    }
}

text_enum! {
    /// The two readings of the plan's threshold sentence (docs/trading.md "Thresholds").
    Reading {
        /// Every urban project enters; township projects from 50万.
        A = "A", "读法A", "reading A";
        /// The 50万 floor applies to every project.
        B = "B", "读法B", "reading B";
    }
}

text_enum! {
    /// Notices and publicity (公告/公示).
    NoticeKind {
        Tender = "tender", "招标公告", "tender notice";
        Prequalification = "prequalification", "资格预审公告", "prequalification notice";
        /// Land and property listings (挂牌): the listing period.
        Listing = "listing", "挂牌公告", "listing notice";
        Change = "change", "变更公告", "change notice";
        Termination = "termination", "终止公告", "termination notice";
        CandidatePublicity = "candidate_publicity", "中标候选人公示", "candidate publicity";
        Result = "result", "结果公告", "result notice";
        Contract = "contract", "合同公告", "contract notice";
    }
}

text_enum! {
    /// What starts a refund's clock.
    RefundEvent {
        ContractSigned = "contract_signed", "合同签订", "contract signed";
        AwardNotice = "award_notice", "中标通知书发出", "award notice issued";
        Withdrawal = "withdrawal", "撤回投标", "bid withdrawn";
        Termination = "termination", "终止招标", "tender terminated";
        ActivityEnd = "activity_end", "交易活动结束", "trading activity ended";
    }
}

text_enum! {
    /// How a deposit may be given.
    DepositForm {
        Transfer = "transfer", "转账", "bank transfer";
        Cheque = "cheque", "支票", "cheque";
        Draft = "draft", "汇票", "bank draft";
        PromissoryNote = "promissory_note", "本票", "promissory note";
        Guarantee = "guarantee", "保函", "bank guarantee";
        Insurance = "insurance", "保证保险", "guarantee insurance";
        Cash = "cash", "现金", "cash";
    }
}

text_enum! {
    /// How a refund earns interest.
    Interest {
        None = "none", "不计息", "no interest";
        /// At the configured demand-deposit rate (活期).
        Demand = "demand", "活期利息", "demand-deposit interest";
    }
}

text_enum! {
    /// How sure a number is (../shared/trading.md): read in the primary text, secondary only, or
    /// not confirmed. Every ◐ or ✘ number is a setting to check before relying on it.
    Sure {
        Primary = "✔", "已核对原文", "read in the primary text";
        Secondary = "◐", "仅二手来源", "secondary source only";
        Unconfirmed = "✘", "未确认", "not confirmed";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips() {
        for l in Line::ALL {
            assert_eq!(Line::parse(l.as_str()), Some(*l));
        }
        for k in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(Line::parse("gc"), None, "codes are upper case");
        assert_eq!(Line::names(), "GC, CG, TD, CQ, QT");
    }
}
