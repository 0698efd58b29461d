import { byId, fill, h } from './dom';
import type { Thumbnails } from './thumbnails';

export interface ImagePair {
  /** Names the image, as in "Hat, image 2". */
  name: string;
  originalUrl: string;
  compressedUrl: string;
  /** A line under each image: its size, quality and format. */
  originalFacts: string;
  compressedFacts: string;
}

/**
 * The original and the compressed image side by side at full size, in a modal `<dialog>`, which
 * Escape and its Close button close. The images go when it closes, so that a large pair is not
 * kept in memory.
 */
export class ImageViewer {
  private readonly dialog = byId('image-viewer', HTMLDialogElement);
  private readonly title = byId('viewer-title', HTMLHeadingElement);
  private readonly before = byId('viewer-before', HTMLDivElement);
  private readonly after = byId('viewer-after', HTMLDivElement);
  private readonly beforeFacts = byId('viewer-before-facts', HTMLSpanElement);
  private readonly afterFacts = byId('viewer-after-facts', HTMLSpanElement);
  private opened = 0;

  constructor(private readonly thumbnails: Thumbnails) {
    this.dialog.addEventListener('close', () => {
      this.opened += 1;
      fill(this.before);
      fill(this.after);
    });
  }

  open(pair: ImagePair): void {
    const opening = ++this.opened;
    fill(this.title, pair.name);
    fill(this.beforeFacts, pair.originalFacts);
    fill(this.afterFacts, pair.compressedFacts);
    const original = h('img', { alt: `Original of ${pair.name}`, decoding: 'async' });
    original.referrerPolicy = 'no-referrer';
    original.src = pair.originalUrl;
    fill(this.before, original);
    fill(this.after, h('p', { class: 'hint' }, 'Loading…'));
    this.dialog.showModal();
    void this.thumbnails.sourceOf(pair.compressedUrl).then(
      (source) => {
        if (opening !== this.opened) return;
        fill(this.after, h('img', { alt: `Compressed ${pair.name}`, src: source }));
      },
      () => {
        if (opening !== this.opened) return;
        fill(this.after, h('p', { class: 'hint' }, 'The compressed image could not be loaded.'));
      },
    );
  }
}
