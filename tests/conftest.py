import sys
from pathlib import Path

# The scalar reference model lives beside the tests; make it importable from every test module.
sys.path.insert(0, str(Path(__file__).parent))
