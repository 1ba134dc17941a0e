"""Start the newsqa chat page: `python app.py` (same as `newsqa serve`)."""

from newsqa.config import Settings
from newsqa.ui import launch

if __name__ == "__main__":
    launch(Settings.from_env())
