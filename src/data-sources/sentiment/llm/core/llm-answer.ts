import type { ScorableText, SentimentScore } from '../../sentiment-scorer';

/** One chat message of the OpenAI chat-completions format. */
export interface ChatMessage {
  readonly role: 'system' | 'user';
  readonly content: string;
}

const LABELS: readonly SentimentScore['label'][] = ['bearish', 'neutral', 'bullish'];

/** Longest text sent per item: enough for a headline and a summary, bounded so a batch fits a context window. */
const MAX_CHARS_PER_ITEM = 2000;

/**
 * The prompt: the model is asked for one JSON object and told the exact shape, so the answer can
 * be checked field by field (parseLlmAnswer) instead of trusted.
 */
export function buildMessages(texts: readonly ScorableText[]): ChatMessage[] {
  const items = texts.map((t) => ({ id: t.id, text: `${t.title}. ${t.body}`.trim().slice(0, MAX_CHARS_PER_ITEM) }));
  return [
    {
      role: 'system',
      content:
        'You score the market sentiment of financial news and social posts for the companies they mention. ' +
        'Answer with one JSON object and nothing else, of the form ' +
        '{"results":[{"id":"<the item id>","score":<number from -1 (most bearish) to 1 (most bullish)>,' +
        '"label":"bearish"|"neutral"|"bullish","confidence":<number from 0 to 1>}]} ' +
        'with exactly one result per item, using the ids given.',
    },
    { role: 'user', content: JSON.stringify({ items }) },
  ];
}

/** A reason the answer is refused (the caller wraps it in ProviderMalformedError). */
export class LlmAnswerError extends Error {}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads a chat-completions body: `choices[0].message.content` must be the JSON object the prompt
 * asked for, with one result per requested id, score in [-1, 1], a known label and confidence in
 * [0, 1]. Anything else is refused as a whole: a batch is stored from the model or not at all.
 * A single Markdown code fence around the JSON is tolerated (models add one despite the prompt).
 */
export function parseLlmAnswer(body: unknown, texts: readonly ScorableText[]): SentimentScore[] {
  if (!isRecord(body)) throw new LlmAnswerError('body is not a JSON object');
  const choices = body.choices;
  if (!Array.isArray(choices) || choices.length === 0) throw new LlmAnswerError('choices: missing or empty');
  const first: unknown = choices[0];
  if (!isRecord(first) || !isRecord(first.message)) throw new LlmAnswerError('choices[0].message: missing');
  const content = first.message.content;
  if (typeof content !== 'string') throw new LlmAnswerError('choices[0].message.content: not a string');
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(content);
  let answer: unknown;
  try {
    answer = JSON.parse(fenced ? fenced[1] : content);
  } catch {
    throw new LlmAnswerError(`choices[0].message.content: not JSON (starts ${JSON.stringify(content.slice(0, 40))})`);
  }
  if (!isRecord(answer) || !Array.isArray(answer.results)) throw new LlmAnswerError('content.results: missing or not an array');
  const wanted = new Set(texts.map((t) => t.id));
  const byId = new Map<string, SentimentScore>();
  answer.results.forEach((r: unknown, i: number) => {
    const at = `content.results[${i}]`;
    if (!isRecord(r)) throw new LlmAnswerError(`${at}: not an object`);
    const { id, score, label, confidence } = r;
    if (typeof id !== 'string' || !wanted.has(id)) throw new LlmAnswerError(`${at}.id: not one of the requested ids`);
    if (byId.has(id)) throw new LlmAnswerError(`${at}.id: ${id} answered twice`);
    if (typeof score !== 'number' || !Number.isFinite(score) || score < -1 || score > 1) throw new LlmAnswerError(`${at}.score: not a number in [-1, 1]`);
    if (typeof label !== 'string' || !LABELS.includes(label as SentimentScore['label'])) throw new LlmAnswerError(`${at}.label: not bearish, neutral or bullish`);
    if (typeof confidence !== 'number' || !Number.isFinite(confidence) || confidence < 0 || confidence > 1) {
      throw new LlmAnswerError(`${at}.confidence: not a number in [0, 1]`);
    }
    byId.set(id, { id, score, label: label as SentimentScore['label'], confidence });
  });
  const missing = texts.filter((t) => !byId.has(t.id));
  if (missing.length > 0) throw new LlmAnswerError(`content.results: no result for ${missing.length} item(s), e.g. ${missing[0].id}`);
  return texts.map((t) => byId.get(t.id) as SentimentScore);
}
