import { Api } from './api';
import type { ApiKeyStore } from './api-key';
import { h } from './dom';

const WIDTH = 96;
const HEIGHT = 72;

/**
 * Thumbnails, scaled by the browser from the images themselves. Originals load straight from
 * their hosts. Compressed images load as plain lazy images too, except those this service
 * serves while an API key is in use: those are fetched with the key into blob URLs once they
 * come near the viewport.
 */
export class Thumbnails {
  private readonly blobs = new Map<string, Promise<string>>();
  private readonly waiting = new WeakMap<Element, string>();
  private readonly observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting || !(entry.target instanceof HTMLImageElement)) continue;
        this.observer.unobserve(entry.target);
        void this.load(entry.target);
      }
    },
    { rootMargin: '400px' },
  );
  /** Changes when the thumbnails are released, so that late loads know to let go. */
  private generation = 0;

  constructor(
    private readonly api: Api,
    private readonly keys: ApiKeyStore,
  ) {}

  original(url: string, alt: string): HTMLElement {
    const image = this.image(alt);
    image.referrerPolicy = 'no-referrer';
    image.src = url;
    return image;
  }

  compressed(url: string, alt: string): HTMLElement {
    const image = this.image(alt);
    if (!this.keys.get() || !this.api.isServiceUrl(url)) {
      image.src = url;
    } else {
      this.waiting.set(image, url);
      this.observer.observe(image);
    }
    return image;
  }

  /** Lets go of every blob URL, when the view moves to another request. */
  release(): void {
    this.generation += 1;
    this.observer.disconnect();
    for (const blob of this.blobs.values()) {
      void blob.then(
        (url) => URL.revokeObjectURL(url),
        () => undefined,
      );
    }
    this.blobs.clear();
  }

  private image(alt: string): HTMLImageElement {
    const image = h('img', {
      alt,
      class: 'thumb',
      width: WIDTH,
      height: HEIGHT,
      loading: 'lazy',
      decoding: 'async',
    });
    image.addEventListener('error', () => image.replaceWith(missing(alt)), { once: true });
    return image;
  }

  /**
   * What an `<img>` may load a compressed image from: its URL, or a blob URL of it fetched with
   * the key, kept until the thumbnails are released.
   */
  sourceOf(url: string): Promise<string> {
    if (!this.keys.get() || !this.api.isServiceUrl(url)) return Promise.resolve(url);
    let blob = this.blobs.get(url);
    if (!blob) {
      blob = this.api.blob(url).then((data) => URL.createObjectURL(data));
      this.blobs.set(url, blob);
    }
    return blob;
  }

  private async load(image: HTMLImageElement): Promise<void> {
    const url = this.waiting.get(image);
    if (!url) return;
    const generation = this.generation;
    try {
      const source = await this.sourceOf(url);
      if (generation !== this.generation) {
        URL.revokeObjectURL(source);
        return;
      }
      image.src = source;
    } catch {
      image.replaceWith(missing(image.alt));
    }
  }
}

function missing(alt: string): HTMLElement {
  return h(
    'span',
    { class: 'thumb thumb-missing', role: 'img', 'aria-label': `${alt}: not available` },
    'Not available',
  );
}
