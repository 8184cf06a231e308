import { Module } from '@nestjs/common';
import { MailTransport } from './mail-transport.service';
import { MailService } from './mail.service';
import { OutboxDelivery } from './outbox-delivery.service';
import { OutboxDispatcher } from './outbox-dispatcher.service';

/** Mail goes in through MailService only; the dispatcher, the outbox state machine and the transport stay inside. */
@Module({
  providers: [MailService, OutboxDispatcher, OutboxDelivery, MailTransport],
  exports: [MailService],
})
export class MailModule {}
