import { byId, fill, h } from './dom';
import type { Thumbnails } from './thumbnails';

/** One compressed form of an image: its same-format output, or a kept WebP or AVIF variant. */
export interface CompressedForm {
  /** The switch's label: `JPEG`, `WebP`, `AVIF`… */
  label: string;
  url: string;
  /** The line under it: its size, quality, score and format. */
  facts: string;
}

export interface ImagePair {
  /** Names the image, as in "Hat, image 2". */
  name: string;
  originalUrl: string;
  /** A line under the original: its size and quality. */
  originalFacts: string;
  /** The same-format output first, then the kept variants. */
  compressed: CompressedForm[];
}

/**
 * The original and the compressed image side by side at full size, in a modal `<dialog>`, which
 * Escape and its Close button close. When the image has WebP or AVIF variants, a switch above
 * the pair shows each in the After place. The images go when it closes, so that a large pair is
 * not kept in memory.
 */
export class ImageViewer {
  private readonly dialog = byId('image-viewer', HTMLDialogElement);
  private readonly title = byId('viewer-title', HTMLHeadingElement);
  private readonly before = byId('viewer-before', HTMLDivElement);
  private readonly after = byId('viewer-after', HTMLDivElement);
  private readonly beforeFacts = byId('viewer-before-facts', HTMLSpanElement);
  private readonly afterFacts = byId('viewer-after-facts', HTMLSpanElement);
  private readonly formats = byId('viewer-formats', HTMLDivElement);
  private opened = 0;

  constructor(private readonly thumbnails: Thumbnails) {
    this.dialog.addEventListener('close', () => {
      this.opened += 1;
      fill(this.before);
      fill(this.after);
      fill(this.formats);
    });
  }

  open(pair: ImagePair): void {
    fill(this.title, pair.name);
    fill(this.beforeFacts, pair.originalFacts);
    const original = h('img', { alt: `Original of ${pair.name}`, decoding: 'async' });
    original.referrerPolicy = 'no-referrer';
    original.src = pair.originalUrl;
    fill(this.before, original);
    const buttons = pair.compressed.map((form, index) => {
      const button = h('button', { type: 'button', class: 'secondary' }, form.label);
      button.setAttribute('aria-pressed', String(index === 0));
      button.addEventListener('click', () => {
        for (const each of buttons) each.setAttribute('aria-pressed', String(each === button));
        this.show(pair.name, form, index === 0);
      });
      return button;
    });
    fill(this.formats, ...(buttons.length > 1 ? buttons : []));
    this.formats.hidden = buttons.length <= 1;
    this.show(pair.name, pair.compressed[0], true);
    this.dialog.showModal();
  }

  /** Shows one compressed form in the After place. */
  private show(name: string, form: CompressedForm, sameFormat: boolean): void {
    const opening = ++this.opened;
    fill(this.afterFacts, form.facts);
    fill(this.after, h('p', { class: 'hint' }, 'Loading…'));
    const alt = sameFormat ? `Compressed ${name}` : `${form.label} of ${name}`;
    void this.thumbnails.sourceOf(form.url).then(
      (source) => {
        if (opening !== this.opened) return;
        fill(this.after, h('img', { alt, src: source }));
      },
      () => {
        if (opening !== this.opened) return;
        fill(this.after, h('p', { class: 'hint' }, 'The compressed image could not be loaded.'));
      },
    );
  }
}
