//! `chart`: the Ingress the Airbyte chart's `templates/ingress.yaml` renders, field for field.

use super::ingress::{IngressCtx, render_ingress, values_rules, values_tls};
use crate::plan::{ChartLine, Plan};
use crate::render::Rendered;

pub fn render(plan: &Plan) -> Result<Rendered, String> {
    let mut rendered = Rendered::default();
    if !plan.enabled {
        rendered.notes.push(
            "note: nothing to render: `ingress.enabled` is not true, so the chart renders no Ingress (set `ingress.enabled: true`)".into(),
        );
        return Ok(rendered);
    }
    let ctx = IngressCtx {
        name: plan.name.clone(),
        release: plan.release.clone(),
        // chart 2.1+ sets metadata.namespace; 2.0.18-2.0.19 leave it to the client
        namespace: (plan.line == ChartLine::V2_1).then(|| plan.namespace.clone()),
        class: plan.class.clone(),
        // null annotations are dropped: the API server would store them as empty strings
        annotations: plan
            .annotations
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k.clone(), v.clone())))
            .collect(),
        tls: values_tls(plan),
        rules: values_rules(plan),
    };
    rendered.docs = render_ingress(&ctx)?;
    Ok(rendered)
}
