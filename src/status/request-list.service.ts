import { BadRequestException, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/config';
import { PublicLinks } from '../links/public-links';
import { RequestsRepository } from '../requests/requests.repository';
import { BEFORE_RULE, RequestListDto, RequestListQueryDto } from './dto/request-list.dto';
import { RequestSummaries } from './request-summaries';

/** The path of the request list, from the service's root. */
export const REQUEST_LIST_ROUTE = 'requests';

/**
 * The caller's requests, newest first, a page at a time. Pages go on from the last request
 * of the one before (keyset), so a page costs the same however far back it is.
 */
@Injectable()
export class RequestListService {
  constructor(
    private readonly requests: RequestsRepository,
    private readonly summaries: RequestSummaries,
    private readonly links: PublicLinks,
    private readonly app: AppConfig,
  ) {}

  /** `owner` is the caller's key owner; null (API keys off) lists every request. */
  async recent(owner: string | null, query: RequestListQueryDto): Promise<RequestListDto> {
    const beforePk = query.before ? await this.cursorOf(owner, query.before) : null;
    // One more than asked tells whether there is a next page.
    const rows = await this.requests.recentRequests(owner, beforePk, query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((request) => ({
        ...this.summaries.of(request),
        status_url: this.links.status(request.requestId),
      })),
      limit: query.limit,
      next:
        rows.length > query.limit && last
          ? `${this.app.publicBaseUrl}/${REQUEST_LIST_ROUTE}?before=${last.requestId}&limit=${query.limit}`
          : null,
    };
  }

  /** Another key's request is no cursor either, so that the answer tells nothing about it. */
  private async cursorOf(owner: string | null, before: string): Promise<number> {
    const cursor = await this.requests.findRequest(before);
    if (!cursor || (owner !== null && cursor.owner !== owner)) {
      throw new BadRequestException({
        message: BEFORE_RULE,
        errors: [{ field: 'before', message: BEFORE_RULE }],
      });
    }
    return cursor.id;
  }
}
