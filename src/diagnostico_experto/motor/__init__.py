"""The engine: rules compiled to experta, facts of a comuna in, a Resultado out, and its explanation."""
