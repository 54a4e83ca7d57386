//! A block pasted from a spreadsheet: rows by line, cells by tab.

/// The cells of `text` spread rightwards and downwards from (`row`, `col`): (row, column,
/// value) for each, with the row and column counted from the table's first.
pub fn spread_block(text: &str, row: usize, col: usize) -> Vec<(usize, usize, String)> {
    text.trim_end_matches(['\n', '\r'])
        .lines()
        .enumerate()
        .flat_map(|(r, line)| {
            line.split('\t')
                .enumerate()
                .map(move |(c, value)| (row + r, col + c, value.trim_end_matches('\r').to_string()))
        })
        .collect()
}

/// Whether pasted text is a block (more than one cell) rather than one value.
pub fn is_block(text: &str) -> bool {
    text.trim_end_matches(['\n', '\r']).contains(['\t', '\n'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_spreads_from_its_cell() {
        let cells = spread_block("1\t2\r\n3\t4\n", 5, 1);
        assert_eq!(cells, vec![(5, 1, "1".into()), (5, 2, "2".into()), (6, 1, "3".into()), (6, 2, "4".into())]);
        assert!(is_block("1\t2") && is_block("1\n2\n") && !is_block("12\n"));
    }
}
