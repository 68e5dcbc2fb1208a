"""myshop: every file below this directory defines one name, found on first use."""

import pyautoload

loader = pyautoload.Loader.for_package(__name__)
loader.inflector.add_acronyms("HTML")
loader.setup()
