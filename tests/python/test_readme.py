"""README.md's Python example (the ```python block of "From Python") and
the package's docstring examples run as doctests."""

import doctest
import re

import guestdb
from conftest import ROOT


def python_blocks():
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```python\n(.*?)```", text, re.S)


def test_readme_python_examples_print_what_the_readme_shows():
    blocks = python_blocks()
    assert blocks, "README.md has no ```python example"
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for i, block in enumerate(blocks):
        test = parser.get_doctest(block, {}, f"README.md python block {i}", "README.md", 0)
        assert test.examples, f"block {i} has no >>> example"
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} README examples failed (see above)"


def test_docstring_examples():
    # The methods' examples use a database named db, as the module's does.
    result = doctest.testmod(guestdb, extraglobs={"db": guestdb.open()}, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
