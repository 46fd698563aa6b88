import { LoopbackServer, type Answer, type RecordedRequest } from './social-http';

/** One item the scorer sent, as the prompt carries it (messages[1].content = {"items":[...]}). */
export interface PromptItem {
  readonly id: string;
  readonly text: string;
}

/** A scripted failure answered instead of a completion (OpenAI's documented error answers). */
export type OpenAiFault =
  | { kind: 'rate-limit'; retryAfterSeconds?: number }
  | { kind: 'server-error'; status?: number }
  | { kind: 'bad-key' }
  | { kind: 'content'; content: string };

/**
 * A local stand-in of the OpenAI chat-completions API (POST /v1/chat/completions): a completion
 * is {id, object: "chat.completion", created, model, choices[{index, message{role, content},
 * finish_reason}], usage}; errors are {error:{message, type, param, code}} with 401 for a bad
 * key, 429 (with Retry-After) for a rate limit, 500/503 for server trouble. The "model" is the
 * test's `respond` function over the items it was sent; `faults` are answered first, in order.
 */
export class OpenAiServer {
  readonly faults: OpenAiFault[] = [];
  readonly server: LoopbackServer;
  private n = 0;

  constructor(
    private readonly respond: (items: readonly PromptItem[]) => unknown,
    private readonly apiKey = 'sk-test-key',
  ) {
    this.server = new LoopbackServer((req) => this.handle(req));
  }

  get url(): string {
    return this.server.url;
  }

  get requests(): RecordedRequest[] {
    return this.server.requests;
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private handle(req: RecordedRequest): Answer {
    if (req.method !== 'POST' || req.path !== '/v1/chat/completions') {
      return { status: 404, body: { error: { message: `Invalid URL (${req.method} ${req.path})`, type: 'invalid_request_error', param: null, code: null } } };
    }
    const fault = this.faults.shift();
    if (fault?.kind === 'bad-key' || req.headers.authorization !== `Bearer ${this.apiKey}`) {
      return {
        status: 401,
        body: { error: { message: 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } },
      };
    }
    if (fault?.kind === 'rate-limit') {
      return {
        status: 429,
        headers: fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) },
        body: { error: { message: 'Rate limit reached for requests per min (RPM). Please try again in 1s.', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
      };
    }
    if (fault?.kind === 'server-error') {
      return { status: fault.status ?? 500, body: { error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } } };
    }
    const body = JSON.parse(req.body) as { model: string; messages: { role: string; content: string }[] };
    const user = body.messages.find((m) => m.role === 'user');
    const items = (JSON.parse(user?.content ?? '{"items":[]}') as { items: PromptItem[] }).items;
    const content = fault?.kind === 'content' ? fault.content : JSON.stringify(this.respond(items));
    this.n++;
    return {
      status: 200,
      headers: { 'x-request-id': `req_${this.n}` },
      body: {
        id: `chatcmpl-test${this.n}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 100, completion_tokens: 20 * items.length, total_tokens: 100 + 20 * items.length },
      },
    };
  }
}
