"""A griffe extension for the API reference: the `>>>` examples of a docstring are shown as
fenced `pycon` code blocks (markdown would otherwise read `>>>` as quotes and `[a][0]` in an
output as a link)."""
import griffe


def fence(text):
    out, block = [], []

    def flush():
        if block:
            out.extend(["```pycon", *block, "```"])
            block.clear()

    for line in text.splitlines():
        if line.startswith(">>>") or (block and line.strip()):
            block.append(line)
        else:
            flush()
            out.append(line)
    flush()
    return "\n".join(out)


class DoctestBlocks(griffe.Extension):
    def on_instance(self, *, obj, **kwargs):
        if obj.docstring is not None and ">>>" in obj.docstring.value:
            obj.docstring.value = fence(obj.docstring.value)
