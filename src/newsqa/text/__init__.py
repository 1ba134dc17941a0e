"""Text primitives every stage shares: takes raw text, gives sentences, token counts and words."""
