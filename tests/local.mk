# tests: (being written)
