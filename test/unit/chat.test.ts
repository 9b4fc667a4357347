import t from 'tap';
import { chatBody, chatEscape } from '../../src/notify/channels/chat.js';
import type { OutboundMessage } from '../../src/notify/channels/types.js';

t.test('a sender-chosen title cannot ping, link or close the code block in chat', async (t) => {
  t.equal(chatEscape('<!channel> a & b <https://evil|click> ```x'), '&lt;!channel&gt; a &amp; b &lt;https://evil|click&gt; `\u200b``x');
  const message = {
    incident: { severity: 'SEV1' },
    rendered: { summary: 'SEV1 #7 <!here> down', text: 'Title: <!channel>\n```\n<https://evil|x>' },
    link: 'https://klaxon.example/incidents/7',
  } as unknown as OutboundMessage;
  const body = JSON.parse(chatBody(message)) as { text: string; blocks: { text?: { text: string }; elements?: { text: string }[] }[] };
  const all = [body.text, body.blocks[0]!.text!.text].join('\n');
  t.notMatch(all, /<!(channel|here)>/, 'no mention survives');
  t.notMatch(all, /<https:\/\/evil/, 'no link survives');
  t.equal(all.split('```').length - 1, 2, 'exactly the one code block Klaxon opens and closes');
  t.equal(body.blocks[1]!.elements![0]!.text, '<https://klaxon.example/incidents/7|Open in Klaxon>', "Klaxon's own link stays a link");
});

t.test('notification addresses that are credentials are masked on the timeline and in listings', async (t) => {
  const { displayAddress } = await import('../../src/notify/events.js');
  t.equal(displayAddress('pager', 'R0UT1NGKEY-abcdef123456'), '…3456');
  t.equal(displayAddress('pager', 'short'), '…', 'too short to show any of it');
  t.equal(displayAddress('webhook', 'https://hooks.example/T0/B1/secret?token=x'), 'https://hooks.example');
  t.equal(displayAddress('email', 'a@example.com'), 'a@example.com');
});
