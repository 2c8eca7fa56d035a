import { extractText, getDocumentProxy } from 'unpdf'

/** The text of every page of a PDF, read by an independent parser (PDF.js, through unpdf). */
export async function pdfText(bytes: ArrayBuffer): Promise<string> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes))
  const { text } = await extractText(pdf, { mergePages: true })
  return text
}

/** An element of a tagged PDF's structure tree, as PDF.js reads it: its role and its elements. */
export interface PdfTag {
  role: string
  children: PdfTag[]
}

/**
 * What a screen reader is given, read by PDF.js: the information dictionary, the XMP metadata,
 * the mark information, the structure tree (tags only; PDF.js gives a page the whole subtree
 * of every element with content on it, so the first page's tree, under the document's root
 * element, is the whole tree), and the text of every page by how it is marked: inside a tagged
 * element, as an artifact (page numbers, repeated headers), or neither.
 */
export async function pdfAccessibility(bytes: Uint8Array): Promise<{
  pages: number
  info: Record<string, unknown>
  metadata: string | undefined
  marked: boolean
  structure: PdfTag[]
  text: { tagged: string[]; artifacts: string[]; unmarked: string[] }
}> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes))
  const { info, metadata } = await pdf.getMetadata()
  const markInfo = await pdf.getMarkInfo()
  const tags = (node: { role?: string; children?: unknown[] }): PdfTag[] =>
    node.role === undefined
      ? []
      : [
          {
            role: node.role,
            children: (node.children ?? []).flatMap((child) =>
              tags(child as { role?: string; children?: unknown[] }),
            ),
          },
        ]
  const root = await (await pdf.getPage(1)).getStructTree()
  const text = { tagged: [] as string[], artifacts: [] as string[], unmarked: [] as string[] }
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent({ includeMarkedContent: true })
    const open: string[] = []
    for (const item of content.items) {
      if ('type' in item) {
        if (item.type === 'endMarkedContent') open.pop()
        else open.push((item as { tag?: string }).tag ?? '')
      } else if (item.str.trim() !== '') {
        if (open.includes('Artifact')) text.artifacts.push(item.str)
        else if (open.length > 0) text.tagged.push(item.str)
        else text.unmarked.push(item.str)
      }
    }
  }
  const xmp: unknown = (metadata as typeof metadata | null)?.getRaw()
  return {
    pages: pdf.numPages,
    info: info as Record<string, unknown>,
    metadata: typeof xmp === 'string' ? xmp : undefined,
    marked: markInfo?.Marked === true,
    structure: tags(root),
    text,
  }
}
