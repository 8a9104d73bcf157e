import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '@passerelle/common';
import { LettersService, type RequestInfo as Info } from '@passerelle/core';
import { CurrentActor, RequestInfo, Requires } from '../http/auth.js';
import { IdPipe } from '../http/id.pipe.js';
import { Idempotent } from '../http/idempotency.interceptor.js';
import { ApiPage, ApiProblems } from '../http/openapi.js';
import { PageQueryDto } from '../http/page-query.dto.js';
import { Public } from '../http/public.decorator.js';
import { ReasonDto } from '../referrals/referral.dto.js';
import { IssueLetterDto, JwksDto, LetterDto, LetterQueryDto, LetterVerificationDto, toLetterResponse, VerifyLetterQueryDto } from './letter.dto.js';

/** The letters of one case: `/cases/{id}/letters`. */
@ApiTags('letters')
@Controller('cases')
export class CaseLettersController {
  constructor(private readonly letters: LettersService) {}

  @Post(':id/letters')
  @Requires('create', 'Letter', { hidden: true })
  @Idempotent()
  @ApiOperation({
    summary: 'Issue a letter of indulgence for the migrant; it supersedes the case’s active letter',
    description:
      'For organizations with the indulgence_letter capability (else 403 CAPABILITY_REQUIRED), on a case you work on or one referred to your organization for a letter and accepted. ' +
      'validUntil is after validFrom and at most 30 days later; validFrom is not before today (400).',
  })
  @ApiCreatedResponse({ type: LetterDto })
  @ApiProblems(400, 403, 404, 409, 415, 422)
  issue(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: IssueLetterDto) {
    return this.letters.issue(actor, id, dto).then((v) => toLetterResponse(v, actor));
  }

  @Get(':id/letters')
  @Requires('read', 'Letter', { hidden: true })
  @ApiOperation({ summary: 'The letters of a case you may see, newest first' })
  @ApiPage(LetterDto)
  @ApiProblems(400, 404)
  async list(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Query() q: PageQueryDto) {
    const page = await this.letters.listForCase(actor, id, q);
    return { items: page.items.map((v) => toLetterResponse(v, actor)), nextCursor: page.nextCursor };
  }
}

@ApiTags('letters')
@Controller('letters')
export class LettersController {
  constructor(private readonly letters: LettersService) {}

  @Get()
  @Requires('read', 'Letter')
  @ApiOperation({ summary: 'Your organization’s register of the letters it issued, newest first, by state and issuance date' })
  @ApiPage(LetterDto)
  @ApiProblems(400)
  async list(@CurrentActor() actor: Actor, @Query() q: LetterQueryDto) {
    const page = await this.letters.list(actor, q, q);
    return { items: page.items.map((v) => toLetterResponse(v, actor)), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Requires('read', 'Letter', { hidden: true })
  @ApiOperation({ summary: 'One letter (read audited)' })
  @ApiOkResponse({ type: LetterDto })
  @ApiProblems(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    return this.letters.get(actor, id).then((v) => toLetterResponse(v, actor));
  }

  @Get(':id/pdf')
  @Requires('read', 'Letter', { hidden: true })
  @ApiOperation({ summary: 'The letter to print: one A4 page, French with English, QR code of the verification URL (download audited)' })
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The PDF', content: { 'application/pdf': { schema: { type: 'string', format: 'binary', maxLength: 1_048_576 } } } })
  @ApiProblems(400, 404, 409)
  async pdf(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string) {
    const { letter, pdf } = await this.letters.pdf(actor, id);
    return new StreamableFile(pdf, { type: 'application/pdf', disposition: `inline; filename="${letter.serialNumber}.pdf"`, length: pdf.length });
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Requires('revoke', 'Letter')
  @ApiOperation({ summary: 'Revoke an active letter, with the reason; the public check answers revoked from now on' })
  @ApiOkResponse({ type: LetterDto })
  @ApiProblems(400, 403, 404, 409, 415)
  revoke(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: string, @Body() dto: ReasonDto) {
    return this.letters.revoke(actor, id, dto.reason).then((v) => toLetterResponse(v, actor));
  }
}

/** What a checkpoint uses, without an account: the check of a letter's QR code and the public keys. */
@ApiTags('letters')
@Public()
@Controller('public/letters')
export class PublicLettersController {
  constructor(private readonly letters: LettersService) {}

  @Get('verify')
  @ApiOperation({
    summary: 'Check a letter’s QR code: valid, not_yet_valid, expired, revoked or superseded, with only what a checkpoint needs',
    description:
      'No authentication; rate limited per client IP (LETTER_VERIFY_RATE_LIMIT_PER_MINUTE, default 60). Any token whose signature does not verify with a published key answers {"result":"invalid"} and nothing else; a signed token not in the register answers {"result":"unknown"}.',
  })
  @ApiOkResponse({ type: LetterVerificationDto })
  @ApiProblems(400)
  verify(@Query() q: VerifyLetterQueryDto, @RequestInfo() info: Info, @Res({ passthrough: true }) reply: FastifyReply) {
    // A letter can be revoked at any moment: no cache may keep an answer.
    reply.header('cache-control', 'no-store');
    return this.letters.verify(q.token, info);
  }

  @Get('keys')
  @ApiOperation({ summary: 'The public keys (JWKS) letters are signed with, so that a checker verifies them offline (npm run verify-letter)' })
  @ApiOkResponse({ type: JwksDto })
  keys(@Res({ passthrough: true }) reply: FastifyReply) {
    reply.header('cache-control', 'public, max-age=3600');
    return this.letters.jwks();
  }
}
