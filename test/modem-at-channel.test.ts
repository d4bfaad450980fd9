// The AT conversation on its own, fed by hand through the serial wrapper's seam: final result codes,
// URCs in the middle of a command's answer, the SMS prompt after URCs, numeric errors and timeouts.
import { describe, expect, it } from 'vitest';
import { AtChannel, AtCommandError, type Urc } from '../src/agent/modem/at-channel.js';
import type { SerialLink } from '../src/agent/modem/serial-link.js';

function channel(timeouts: string[] = []): { at: AtChannel; written: string[]; urcs: Urc[] } {
  const written: string[] = [];
  const urcs: Urc[] = [];
  const link: SerialLink = { write: (text) => void written.push(text), close: () => undefined };
  return { at: new AtChannel(link, (urc) => urcs.push(urc), (command) => timeouts.push(command)), written, urcs };
}

describe('AtChannel', () => {
  it('tells a call ending (NO CARRIER) and new-message URCs from the answer of the command under way', async () => {
    const { at, urcs } = channel();
    const answer = at.run('AT+CLCC', 1_000);
    at.feed('\r\n+CLCC: 1,0,0,0,0,"+15550001111",145\r\n\r\nNO CARRIER\r\n+CMTI: "SM",4\r\n\r\nOK\r\n');
    expect(await answer).toEqual(['+CLCC: 1,0,0,0,0,"+15550001111",145']);
    expect(urcs).toEqual([{ line: 'NO CARRIER' }, { line: '+CMTI: "SM",4' }]);
  });

  it('ends a dial with BUSY, and reads +CMS ERROR codes', async () => {
    const { at } = channel();
    const dial = at.run('ATD15550001111;', 1_000);
    at.feed('\r\nBUSY\r\n');
    await expect(dial).rejects.toMatchObject({ result: 'BUSY' });
    const send = at.run('AT+CMGS=20', 1_000, '00');
    at.feed('\r\n+CMS ERROR: 42\r\n');
    await expect(send).rejects.toMatchObject({ result: '+CMS ERROR', code: 42 });
  });

  it('hands +CDS with its PDU line to the URC handler, and writes the PDU only after the prompt', async () => {
    const { at, written, urcs } = channel();
    const send = at.run('AT+CMGS=23', 1_000, 'ABCD');
    at.feed('\r\n+CDS: 25\r\n0002');
    at.feed('2A\r\n\r\n> ');
    expect(urcs).toEqual([{ line: '+CDS: 25', pdu: '00022A' }]);
    expect(written).toEqual(['AT+CMGS=23\r', 'ABCD\u001a']);
    at.feed('\r\n+CMGS: 7\r\n\r\nOK\r\n');
    expect(await send).toEqual(['+CMGS: 7']);
  });

  it('recognises the prompt when a URC follows it in the same read', async () => {
    const { at, written, urcs } = channel();
    const send = at.run('AT+CMGS=23', 1_000, 'ABCD');
    at.feed('\r\n> \r\n+CMTI: "SM",2\r\n');
    expect(written).toEqual(['AT+CMGS=23\r', 'ABCD\u001a']);
    expect(urcs).toEqual([{ line: '+CMTI: "SM",2' }]);
    at.feed('\r\n+CMGS: 8\r\n\r\nOK\r\n');
    expect(await send).toEqual(['+CMGS: 8']);
  });

  it('fails a command with no final result in time, says so, and goes on with the next', async () => {
    const timeouts: string[] = [];
    const { at, written } = channel(timeouts);
    const stuck = at.run('AT+CSQ', 20);
    const next = at.run('AT', 1_000);
    await expect(stuck).rejects.toBeInstanceOf(AtCommandError);
    expect(timeouts).toEqual(['AT+CSQ']);
    expect(written).toEqual(['AT+CSQ\r', 'AT\r']);
    at.feed('\r\nOK\r\n');
    expect(await next).toEqual([]);
    at.close();
    await expect(at.run('AT', 1_000)).rejects.toMatchObject({ result: 'closed' });
  });
});
