"""The rules that form each row of the linear programme, grouped by topic as in MODEL.md.
The model is declared in one place, :func:`optimiser.model.build_model`."""
