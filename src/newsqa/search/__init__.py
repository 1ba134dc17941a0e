"""Search stage: takes an analysed Question and filters, gives ranked Passages from the index."""
