"""Patient letters: the list, classification, batches, codes, rendering, mailing log, counts."""
