import { Injectable } from '@nestjs/common';
import * as http from 'node:http';
import * as https from 'node:https';
import { NetworkConfig } from '../config/config';
import { createGuardedAgents, guardedAxiosConfig, GuardedAxiosConfig } from './guarded-agent';

/** What a `HEAD` was answered: the status and headers of the last hop. */
export interface HeadAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
}

export interface HeadOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  maxRedirects: number;
}

/** The request of a `head` under way, and whether its time is up. */
interface InFlight {
  request: http.ClientRequest | null;
  timedOut: boolean;
}

const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);

/**
 * The axios settings for every request the service makes to a URL a user gave it
 * (image downloads, webhooks): SSRF-guarded agents and no proxy from the environment.
 *
 * `head` asks for headers only through the same agents, without axios: a revalidation of a
 * catalog's known sources is one `HEAD` per image, where axios's per-request work (its config
 * merging, interceptors, redirect wrapper and stream plumbing) costs several times the request.
 */
@Injectable()
export class OutboundHttp {
  readonly axiosConfig: GuardedAxiosConfig;

  constructor(config: NetworkConfig) {
    this.axiosConfig = guardedAxiosConfig(
      createGuardedAgents({
        allowPrivateNetworks: config.allowPrivateNetworks,
        allowedHosts: config.allowedHosts,
      }),
    );
  }

  /**
   * Sends `HEAD url` with `headers`, following at most `maxRedirects` redirects (each hop
   * through the guarded agents, HTTP(S) only), all within `timeoutMs`. Rejects on any error,
   * on a redirect without a usable `Location`, and on too many redirects.
   */
  async head(url: string, { headers, timeoutMs, maxRedirects }: HeadOptions): Promise<HeadAnswer> {
    // One timer for every hop; it destroys the request in flight. Cheaper than an AbortSignal,
    // whose listeners http.request adds and removes for each request.
    const inFlight: InFlight = { request: null, timedOut: false };
    const timer = setTimeout(() => {
      inFlight.timedOut = true;
      inFlight.request?.destroy(new Error(`HEAD timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    try {
      let target = new URL(url);
      for (let redirects = 0; ; redirects++) {
        const answer = await this.headOnce(target, headers, inFlight);
        const location = answer.headers.location;
        if (!REDIRECT_STATUS.has(answer.status)) return answer;
        if (location === undefined) throw new Error(`HTTP ${answer.status} without a Location`);
        if (redirects >= maxRedirects) throw new Error('Too many redirects');
        target = new URL(location, target);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  private headOnce(
    url: URL,
    headers: Record<string, string>,
    inFlight: InFlight,
  ): Promise<HeadAnswer> {
    if (inFlight.timedOut) return Promise.reject(new Error('HEAD timed out'));
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') {
      return Promise.reject(new Error(`Unsupported protocol ${url.protocol}`));
    }
    const agent = secure ? this.axiosConfig.httpsAgent : this.axiosConfig.httpAgent;
    const send = secure ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const request = send(url, { method: 'HEAD', agent, headers }, (response) => {
        // A HEAD has no body: reading to its end hands the connection back to the pool.
        response.resume();
        resolve({ status: response.statusCode ?? 0, headers: response.headers });
      });
      inFlight.request = request;
      request.once('error', reject);
      request.end();
    });
  }
}
