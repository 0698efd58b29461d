import { Injectable } from '@nestjs/common';
import { NetworkConfig } from '../config/config';
import { createGuardedAgents, guardedAxiosConfig, GuardedAxiosConfig } from './guarded-agent';

/**
 * The axios settings for every request the service makes to a URL a user gave it
 * (image downloads, webhooks): SSRF-guarded agents and no proxy from the environment.
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
}
