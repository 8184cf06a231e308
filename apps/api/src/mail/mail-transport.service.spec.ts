import { messageIdOf } from './mail-transport.service';

describe('messageIdOf', () => {
  it.each([
    ['Frankli <no-reply@people.example.test>', '<row-1@people.example.test>'],
    ['no-reply@example.com', '<row-1@example.com>'],
    ['"Ops, Team" <ops@mail.example.org> ', '<row-1@mail.example.org>'],
    ['Frankli', '<row-1@localhost>'],
  ])('names the outbox row at the sender’s domain (%s)', (from, expected) => {
    expect(messageIdOf('row-1', from)).toBe(expected);
  });
});
