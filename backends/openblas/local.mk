# openblas: (being written)
