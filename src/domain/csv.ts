/**
 * One cell of a CSV file a spreadsheet will open (RFC 4180): quoted when it holds a quote
 * mark, a comma or a line break; and a cell that starts as a formula would (=, +, -, @, or a
 * tab or carriage return before one) starts with an apostrophe instead, so Excel shows it as
 * text rather than running it (OWASP, "CSV injection").
 */
export function csvCell(text: string): string {
  const defused = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
  return /[",\r\n]/.test(defused) ? `"${defused.replaceAll('"', '""')}"` : defused
}
