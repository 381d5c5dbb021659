//! Plain-text tables, the one layout every table of the command line uses:
//! columns two spaces apart, each as wide as its widest cell, the last one
//! unpadded, no trailing white space.

/// `rows` (the first is usually the header) as lines, each after `indent`.
pub fn table<R: AsRef<[String]>>(rows: &[R], indent: &str) -> String {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        for (i, c) in row.as_ref().iter().enumerate() {
            let n = c.chars().count();
            match widths.get_mut(i) {
                Some(w) => *w = (*w).max(n),
                None => widths.push(n),
            }
        }
    }
    let mut out = String::new();
    for row in rows {
        let row = row.as_ref();
        let mut line = String::from(indent);
        for (i, c) in row.iter().enumerate() {
            line.push_str(c);
            if i + 1 < row.len() {
                let pad = widths[i] - c.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::table;

    #[test]
    fn columns_are_as_wide_as_their_widest_cell_and_lines_end_without_spaces() {
        let rows = vec![
            vec!["NAME".to_string(), "NOTES".to_string()],
            vec!["pc-q35-7.2".to_string(), String::new()],
            vec!["q35".to_string(), "alias".to_string()],
        ];
        assert_eq!(
            table(&rows, "  "),
            "  NAME        NOTES\n  pc-q35-7.2\n  q35         alias\n"
        );
    }
}
