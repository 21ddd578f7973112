"""Baselines of the SCALE paper in the MethodModel interface: FFT, Freeze, LoRA, LLaMA Pro."""
