import { Module } from '@nestjs/common';
import { PublicLinks } from './public-links';

@Module({ providers: [PublicLinks], exports: [PublicLinks] })
export class LinksModule {}
