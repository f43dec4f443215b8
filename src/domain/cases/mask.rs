//! Masking personal data for display in queues and lists (the full value only in the case view,
//! for those allowed to see it).

/// 张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明. Organisation names are not masked.
pub fn person_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

/// 320102199001011234 → 3201**********1234: region kept, birth date hidden.
pub fn id_number(id: &str) -> String {
    let chars: Vec<char> = id.trim().chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let n = chars.len();
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[n - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(n - 8))
}

/// 13800138000 → 138****8000.
pub fn phone(p: &str) -> String {
    let chars: Vec<char> = p.trim().chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let n = chars.len();
    format!(
        "{}{}{}",
        chars[..3].iter().collect::<String>(),
        "*".repeat(n - 7),
        chars[n - 4..].iter().collect::<String>()
    )
}

/// 城关镇人民路1号 → 城关镇人民****: the area kept, the house hidden (the first half, at most
/// six characters, shows).
pub fn address(a: &str) -> String {
    let chars: Vec<char> = a.trim().chars().collect();
    let keep = (chars.len() / 2).min(6);
    let mut s: String = chars[..keep].iter().collect();
    if chars.len() > keep {
        s.push_str("****");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(person_name("张三"), "张*");
        assert_eq!(person_name("张小三"), "张*三");
        assert_eq!(person_name("欧阳小明"), "欧**明");
        assert_eq!(person_name("王"), "*");
        assert_eq!(person_name(""), "");
    }

    #[test]
    fn ids_and_phones() {
        assert_eq!(id_number("320102199001011234"), "3201**********1234");
        assert_eq!(id_number("123"), "***");
        assert_eq!(phone("13800138000"), "138****8000");
        assert_eq!(phone("010-12345678"), "010*****5678");
    }

    #[test]
    fn addresses() {
        assert_eq!(address("城关镇人民路1号"), "城关镇人****");
        assert_eq!(
            address("北京市朝阳区建国路八十八号院三号楼"),
            "北京市朝阳区****"
        );
        assert_eq!(address(""), "");
    }
}
