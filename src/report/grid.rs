//! Aligned text tables (comfy-table, no borders): a left-aligned label column and
//! right-aligned value columns two spaces apart. Terminal width is never consulted, so the
//! text is the same on a terminal, in a pipe and in a file.

use comfy_table::{CellAlignment, Table, presets};

/// `header` and `rows` as aligned lines (each row as long as the header), no trailing spaces.
pub fn columns(header: &[String], rows: &[Vec<String>]) -> String {
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    table.set_header(header.to_vec());
    for row in rows {
        table.add_row(row.clone());
    }
    for (i, column) in table.column_iter_mut().enumerate() {
        if i == 0 {
            column.set_padding((0, 0));
            column.set_cell_alignment(CellAlignment::Left);
        } else {
            column.set_padding((2, 0));
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    let mut out = String::new();
    for line in table.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn labels_left_values_right_two_spaces_apart() {
        let header = ["figure".to_string(), "base".into(), "2 trains".into()];
        let rows = vec![
            vec![
                "on-spec".to_string(),
                "1230 ± 2.1".into(),
                "1240 ± 1.6".into(),
            ],
            vec!["availability".to_string(), "97 %".into(), "96.92 %".into()],
        ];
        assert_eq!(
            super::columns(&header, &rows),
            "figure              base    2 trains\n\
             on-spec       1230 ± 2.1  1240 ± 1.6\n\
             availability        97 %     96.92 %\n"
        );
    }
}
