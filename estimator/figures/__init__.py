"""Plotly figure builders (no Streamlit): the estimate, uncertainty, scenario comparison, published estimates."""
