# onednn: (being written)
