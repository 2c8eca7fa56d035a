import QRCode from 'qrcode'
import { html, Html } from './html.ts'

/** What the qrcode package is asked for: error correction M, the standard 4-module margin. */
export const QR_OPTIONS = { type: 'svg', errorCorrectionLevel: 'M', margin: 4 } as const

/**
 * A QR code of `text` as inline SVG, made on the server: no image address (nothing of the
 * text goes into a URL or a log), no script, and nothing the strict CSP refuses (the package
 * draws with `fill` and `stroke` attributes, never a `style`). Its accessible name is `label`;
 * the page gives the same content in words beside it. The size comes from the stylesheet.
 */
export async function qrCodeSvg(text: string, label: string): Promise<Html> {
  const svg = await QRCode.toString(text, QR_OPTIONS)
  const opening = '<svg xmlns="http://www.w3.org/2000/svg" '
  // Anything else from the package would be markup this page has not checked.
  if (!svg.startsWith(opening) || /\sstyle=|<script|<foreignObject/i.test(svg))
    throw new Error('the QR code came back in an unexpected form')
  const attributes = html`class="haven-qr__code" role="img" aria-label="${label}" focusable="false" `
  return new Html(`${opening}${attributes.value}${svg.slice(opening.length)}`)
}
