"""Character-level tokenizer shared by both models, plus the Hugging Face files that describe it.

Ids: 0 <pad>, 1 <eos>, 2 <mask>, 3 <unk>, 4 "\n", then printable ASCII 32..126 in order (vocab 100).
The JSON files are written by hand because the `tokenizers` package is not available here; they use a
BPE model with no merges (every character is its own token), no pre-tokenizer and a Fuse decoder, which
both transformers.js 4.x and @huggingface/tokenizers 0.2 load (neither has WordLevel).
"""
import json
import os
import re

PAD, EOS, MASK, UNK = "<pad>", "<eos>", "<mask>", "<unk>"
SPECIALS = [PAD, EOS, MASK, UNK]
PAD_ID, EOS_ID, MASK_ID, UNK_ID = 0, 1, 2, 3
CHARS = ["\n"] + [chr(c) for c in range(32, 127)]
VOCAB = SPECIALS + CHARS
VOCAB_SIZE = len(VOCAB)  # 100

_CHAR_TO_ID = {c: i + len(SPECIALS) for i, c in enumerate(CHARS)}
# The JS tokenizers split special-token strings out of the text before the model sees it; do the same so
# Python and the TypeScript engines agree on every input (task text never contains these strings anyway).
_SPECIAL_RE = re.compile("(" + "|".join(re.escape(s) for s in SPECIALS) + ")")


def encode(text: str) -> list[int]:
    ids = []
    for part in _SPECIAL_RE.split(text):
        if part in SPECIALS:
            ids.append(SPECIALS.index(part))
        else:
            ids.extend(_CHAR_TO_ID.get(c, UNK_ID) for c in part)
    return ids


def decode(ids, skip_special_tokens: bool = True) -> str:
    out = []
    for i in ids:
        i = int(i)
        if i < len(SPECIALS):
            if not skip_special_tokens:
                out.append(SPECIALS[i])
        else:
            out.append(VOCAB[i])
    return "".join(out)


def tokenizer_json() -> dict:
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True}
            for i, s in enumerate(SPECIALS)
        ],
        "normalizer": None,
        "pre_tokenizer": None,  # the whole text is one "word"; BPE splits it into characters
        "post_processor": None,  # no BOS/EOS added on encode: prompts are fed as they are
        "decoder": {"type": "Fuse"},  # join tokens with nothing in between
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": UNK,
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": {tok: i for i, tok in enumerate(VOCAB)},
            "merges": [],
        },
    }


def tokenizer_config(model_max_length: int) -> dict:
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": None,
        "eos_token": EOS,
        "pad_token": PAD,
        "unk_token": UNK,
        "mask_token": MASK,
        "model_max_length": model_max_length,
        "add_bos_token": False,
        "add_eos_token": False,
        # Default cleanup would delete spaces before punctuation ("a ." -> "a."), breaking exact decoding.
        "clean_up_tokenization_spaces": False,
        "padding_side": "left",
        "added_tokens_decoder": {
            str(i): {"content": s, "lstrip": False, "normalized": False, "rstrip": False,
                     "single_word": False, "special": True}
            for i, s in enumerate(SPECIALS)
        },
    }


def write_hf_files(out_dir: str, model_max_length: int) -> None:
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "tokenizer.json"), "w") as f:
        json.dump(tokenizer_json(), f, indent=2, ensure_ascii=True)
    with open(os.path.join(out_dir, "tokenizer_config.json"), "w") as f:
        json.dump(tokenizer_config(model_max_length), f, indent=2)


if __name__ == "__main__":
    sample = "def f(x):\n    return x[::-1]  # ~!@\n"
    assert decode(encode(sample)) == sample and len(encode(sample)) == len(sample)
    print(VOCAB_SIZE, encode("ab\n"))
