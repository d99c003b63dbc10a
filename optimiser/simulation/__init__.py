"""Every plan checked by simulation (MODEL.md section 14): each short-term service run as a
queue at the places commissioned, with its stated variability, many times over."""
