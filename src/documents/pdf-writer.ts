/**
 * A small layer over pdfkit for the final document: one embedded Unicode font (DejaVu Sans,
 * so en dashes, ” and other non-WinAnsi characters print; a character the font lacks prints
 * as its empty glyph instead of failing), headings kept with what follows, and a footer
 * written on every page once the page count is known.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

const require = createRequire(import.meta.url);
const fontFile = (name: string) => readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${name}`));
// Read once per process: the files are ~0.7 MB each and never change.
const FONTS = { regular: fontFile('DejaVuSans.ttf'), bold: fontFile('DejaVuSans-Bold.ttf') };

const MARGIN = 56;
const FOOTER_HEIGHT = 28;
const SIZES = { title: 18, heading: 13, subheading: 11, body: 9.5, footer: 8 } as const;
const GREY = '#555555';

export interface PdfInfo {
  title: string;
  subject: string;
  author: string;
  createdAt: Date;
}

export class PdfWriter {
  readonly doc: PDFKit.PDFDocument;
  private readonly width: number;

  constructor(info: PdfInfo) {
    this.doc = new PDFDocument({
      size: 'A4',
      margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN + FOOTER_HEIGHT },
      bufferPages: true,
      lang: 'sv-SE',
      displayTitle: true,
      // A fixed CreationDate also fixes the file id pdfkit derives from the info, so the
      // same plan and generation time give the same bytes.
      info: {
        Title: info.title,
        Subject: info.subject,
        Author: info.author,
        Creator: 'planbrygga',
        CreationDate: info.createdAt,
        ModDate: info.createdAt,
      },
    });
    this.doc.registerFont('regular', FONTS.regular);
    this.doc.registerFont('bold', FONTS.bold);
    this.width = this.doc.page.width - MARGIN * 2;
  }

  title(text: string, subtitle: string): void {
    this.doc.font('bold').fontSize(SIZES.title).text(text, { width: this.width });
    this.doc.font('regular').fontSize(SIZES.subheading).fillColor(GREY).text(subtitle, { width: this.width });
    this.doc.fillColor('black').moveDown(0.8);
  }

  heading(text: string): void {
    this.keepTogether(SIZES.heading * 5);
    this.doc
      .moveDown(0.6)
      .font('bold')
      .fontSize(SIZES.heading)
      .text(text, MARGIN, undefined, { width: this.width });
    const y = this.doc.y + 2;
    this.doc
      .moveTo(MARGIN, y)
      .lineTo(MARGIN + this.width, y)
      .lineWidth(0.5)
      .strokeColor(GREY)
      .stroke();
    this.doc.moveDown(0.4);
  }

  subheading(text: string): void {
    this.keepTogether(SIZES.subheading * 4);
    this.doc
      .moveDown(0.3)
      .font('bold')
      .fontSize(SIZES.subheading)
      .text(text, MARGIN, undefined, { width: this.width });
    this.doc.moveDown(0.2);
  }

  /** A label with its text below; the label never ends a page alone. */
  field(label: string, text: string): void {
    this.keepTogether(SIZES.body * 4);
    this.doc.font('bold').fontSize(SIZES.body).text(label, MARGIN, undefined, { width: this.width });
    this.paragraph(text);
  }

  paragraph(text: string): void {
    this.doc
      .font('regular')
      .fontSize(SIZES.body)
      .text(printable(text), MARGIN, undefined, { width: this.width, lineGap: 1.5 });
    this.doc.moveDown(0.35);
  }

  /** Writes `footer(page, pages)` at the foot of every page, then ends the document. */
  finish(footer: (page: number, pages: number) => string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const done = new Promise<Buffer>((resolve, reject) => {
      this.doc.on('data', (chunk: Buffer) => chunks.push(chunk));
      this.doc.on('end', () => resolve(Buffer.concat(chunks)));
      this.doc.on('error', reject);
    });
    const { start, count } = this.doc.bufferedPageRange();
    for (let index = start; index < start + count; index++) {
      this.doc.switchToPage(index);
      // Writing inside the bottom margin would make pdfkit open a new page; lift it for the footer.
      const bottom = this.doc.page.margins.bottom;
      this.doc.page.margins.bottom = 0;
      this.doc
        .font('regular')
        .fontSize(SIZES.footer)
        .fillColor(GREY)
        .text(footer(index - start + 1, count), MARGIN, this.doc.page.height - MARGIN - SIZES.footer, {
          width: this.width,
          align: 'center',
          lineBreak: false,
        });
      this.doc.page.margins.bottom = bottom;
    }
    this.doc.end();
    return done;
  }

  private keepTogether(height: number): void {
    const bottom = this.doc.page.height - this.doc.page.margins.bottom;
    if (this.doc.y + height > bottom) this.doc.addPage();
  }
}

const LONG_WORD = /[^\s]{40}(?=[^\s])/gu;

/**
 * TAB has no glyph and pdfkit does not expand it: four spaces keep the indentation.
 * pdfkit splits a word wider than the line in time quadratic in its length (a 100 000-character
 * word never finishes), so long words get a zero-width space, a break opportunity, every 40 characters.
 */
export function printable(text: string): string {
  return text.replaceAll('\t', '    ').replace(LONG_WORD, '$&\u200B');
}
