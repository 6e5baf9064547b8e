/** The first fenced code block in the given language after `heading` (a line of the markdown). */
export function codeBlockAfter(markdown: string, heading: string | undefined, language: string): string {
  const lines = markdown.split('\n');
  let i = heading === undefined ? 0 : lines.findIndex((line) => line.trim() === heading);
  if (i < 0) throw new Error(`no "${heading}" heading`);
  for (; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```' + language) continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) break;
    return lines.slice(i + 1, end).join('\n') + '\n';
  }
  throw new Error(`no \`\`\`${language} block after "${heading ?? '(start)'}"`);
}

/** The first fenced code block of a markdown file, and its language. */
export function firstCodeBlock(markdown: string): { language: string; code: string } {
  const match = /^```(\w*)\n([\s\S]*?)^```$/m.exec(markdown);
  if (!match) throw new Error('no code block');
  return { language: match[1]!, code: match[2]! };
}
