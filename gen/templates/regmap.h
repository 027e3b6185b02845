/* Register map of the vfpga design '{{ design }}'.
 * Written by {{ generator }}; do not edit (regenerate instead).
 * Offsets are bytes inside a function's window; fields are LSB, WIDTH and an
 * in-place MASK. See regmap.md for the prose. */
#ifndef {{ guard }}
#define {{ guard }}
{% for d in globals %}
/* {{ d.comment }} */
#define {{ d.name }} {{ d.value }}
{%- endfor %}
{% for b in blocks %}
/* ---- {{ b.comment }} */
{%- for d in b.defines %}
{%- if !d.comment.is_empty() %}
/* {{ d.comment }} */
{%- endif %}
#define {{ d.name }} {{ d.value }}
{%- endfor %}
{% endfor %}
#endif /* {{ guard }} */
