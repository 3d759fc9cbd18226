# common: (being written)
