import { describe, it, expect } from 'vitest';
import { scanXml } from './xml-scan';

describe('scanXml', () => {
  it('builds a tree with local names, drops xmlns, decodes entities and character references, keeps CDATA', () => {
    const result = scanXml(
      '\uFEFF<?xml version="1.0"?><!-- c --><r:list xmlns:r="urn:x" xmlns="urn:y" a="1 &amp; &#x41;&#66;"><r:name xml:lang="en">A &lt;b&gt;</r:name>' +
        "<x b='q\"'/><![CDATA[<raw>&amp;]]></r:list>",
    );
    if (!result.ok) throw new Error(result.reason);
    expect(result.root).toEqual({
      name: 'list',
      attrs: { a: '1 & AB' },
      text: '<raw>&amp;',
      children: [
        { name: 'name', attrs: { lang: 'en' }, text: 'A <b>', children: [] },
        { name: 'x', attrs: { b: 'q"' }, text: '', children: [] },
      ],
    });
  });

  it('accepts unquoted attribute values only when tolerant, with a warning', () => {
    const body = '<instance id="1" state=StrUtils::kActive cid="x"/>';
    expect(scanXml(body)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('unquoted value for attribute state'),
    });
    expect(scanXml(body, { tolerant: true })).toEqual({
      ok: true,
      root: {
        name: 'instance',
        attrs: { id: '1', state: 'StrUtils::kActive', cid: 'x' },
        children: [],
        text: '',
      },
      warnings: ['unquoted attribute value state=StrUtils::kActive in <instance> accepted'],
    });
  });

  it('never expands DTD entities: an internal subset is refused, an external DOCTYPE is skipped', () => {
    expect(scanXml('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('DOCTYPE not allowed'),
    });
    expect(scanXml('<!DOCTYPE a PUBLIC "-//x//EN" "a>b.dtd"><a/>')).toMatchObject({
      ok: true,
      root: { name: 'a' },
    });
    expect(scanXml('<a>&x;</a>')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('reference "&x;"'),
    });
  });

  it('does not let an attribute named __proto__ reach the prototype', () => {
    const result = scanXml('<a __proto__="x" b="1"/>', { tolerant: true });
    expect(result.ok && Object.getPrototypeOf(result.root.attrs)).toBe(Object.prototype);
    expect(result.ok && result.root.attrs).toEqual({ b: '1' });
  });

  it.each([
    ['<a><b></a>', '</a> closes <b>'],
    ['<a>', '<a> is not closed'],
    ['<a/><b/>', 'only one root element'],
    ['text<a/>', 'text before the root element'],
    ['<a/>text', 'content after the root element'],
    ['</a>', 'without start tag'],
    ['<a b="1" b="2"/>', 'duplicate attribute'],
    ['<a b/>', 'has no value'],
    ['<a b="<"/>', '"<" in attribute'],
    ['<a>&#0;</a>', 'malformed reference'],
    ['<a><!-- x </a>', 'unterminated comment'],
    ['', 'no root element'],
    [`${'<a>'.repeat(40)}${'</a>'.repeat(40)}`, 'nesting deeper than 32'],
  ])('refuses %j', (body, reason) => {
    const result = scanXml(body);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });
});
