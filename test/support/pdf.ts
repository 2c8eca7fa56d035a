import { extractText, getDocumentProxy } from 'unpdf'

/** The text of every page of a PDF, read by an independent parser (PDF.js, through unpdf). */
export async function pdfText(bytes: ArrayBuffer): Promise<string> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes))
  const { text } = await extractText(pdf, { mergePages: true })
  return text
}
