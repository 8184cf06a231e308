import { Module } from '@nestjs/common';
import { MailService } from './mail.service';
import { OutboxDispatcher } from './outbox-dispatcher';

@Module({
  providers: [MailService, OutboxDispatcher],
  exports: [MailService, OutboxDispatcher],
})
export class MailModule {}
