# Pillow's CPU per photo for the decoder comparison (bench/decode-bench.mjs): decode alone, and
# decode + resize (shorter side 256, bilinear antialiased) + centre crop 224, the reference
# preprocessing without its float normalisation. Photos are read into memory first, as the Node
# cases get them. Argument: a JSON file {"paths": [...], "rounds": n, "crops": "<out file>"}.
# Prints JSON {"decode": ms, "crop": ms, "pillow": version}; writes every photo's crop (224x224 RGB
# bytes, in order) to "crops" for the fidelity column.
import io, json, os, sys, time
from PIL import Image, __version__ as pil_version

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'python'))
from pipeline import reference_crop  # the Python peer's own resize and crop

job = json.load(open(sys.argv[1]))
data = [open(p, 'rb').read() for p in job['paths']]

def decode(b):
    im = Image.open(io.BytesIO(b))
    im.load()
    return im if im.mode == 'RGB' else im.convert('RGB')

def crop(b):
    return reference_crop(decode(b))

def cpu_per_photo(fn):
    for b in data: fn(b)  # untimed, as the Node cases
    c = time.process_time()
    for b in data: fn(b)
    return (time.process_time() - c) * 1000 / len(data)

samples = {'decode': [], 'crop': []}
for _ in range(job['rounds']):
    samples['decode'].append(cpu_per_photo(decode))
    samples['crop'].append(cpu_per_photo(crop))
with open(job['crops'], 'wb') as f:
    for b in data: f.write(crop(b).tobytes())
med = lambda xs: sorted(xs)[len(xs) // 2]
print(json.dumps({'decode': med(samples['decode']), 'crop': med(samples['crop']), 'pillow': pil_version}))
