//! The few sentences the core itself says (its own endings, the notes its
//! rules add to a turn), in each language the game speaks. Scenario text is
//! translated in the scenario files; the frame's labels are in `crate::locale::labels`.

/// A sentence of the core's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    HungUpTitle,
    HungUpDebrief,
    GaveUpTitle,
    GaveUpDebrief,
    GaveUpSays,
    /// `{times}`.
    RuleRepetition,
    /// `{kind}` (the scenario's name for the reply kind), `{times}`.
    RuleRepetitionNamed,
    /// `{seconds}`, `{anger}`, `{trust}`.
    RuleHold,
    /// `{points}`: what a hold beyond the free seconds cost.
    RuleHoldPoints,
    RulePaidOnce,
    /// `{cap}`: why both pillars are held down.
    OverAccommodationCap,
    RuleTransferWithin,
    RuleTransferAgainst,
    RuleHungUp,
    RuleOverAccommodation,
    /// `{name}`.
    RuleTrait,
    HangUpReply,
    OverAccommodatedHeadline,
    /// The caller's line after a typed reply the game did not understand,
    /// when the scenario gives none.
    NotUnderstoodSays,
    /// `{anger}`, `{trust}`.
    RuleNotUnderstood,
    /// How a turn not understood reads in the transcript.
    NotUnderstoodReply,
}

/// `msg` in `lang`, or in English when the game does not speak `lang`.
pub fn tr(lang: &str, msg: Msg) -> &'static str {
    let [en, zh, ru, es] = texts(msg);
    match lang {
        "zh" => zh,
        "ru" => ru,
        "es" => es,
        _ => en,
    }
}

/// `template` with each `{name}` replaced by its value.
pub fn fill(template: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), &value.to_string());
    }
    out
}

fn texts(msg: Msg) -> [&'static str; 4] {
    match msg {
        Msg::HungUpTitle => [
            "You hung up on the caller",
            "你挂断了客户的电话",
            "Вы бросили трубку",
            "Le colgaste al cliente",
        ],
        Msg::HungUpDebrief => [
            "Ending a call on a caller who is not done is an upheld complaint. However long the call has run, the caller decides when they have been heard.",
            "客户还没说完就挂断电话，投诉一定成立。无论通话多久，是否被倾听由客户来判断。",
            "Прервать разговор, пока клиент не договорил, значит получить обоснованную жалобу. Сколько бы ни длился звонок, выслушан ли клиент, решает он сам.",
            "Cortar la llamada cuando el cliente no ha terminado es una queja que procede. Dure lo que dure la llamada, es el cliente quien decide si ha sido escuchado.",
        ],
        Msg::GaveUpTitle => [
            "The caller gave up",
            "客户放弃了",
            "Клиент сдался",
            "El cliente se rindió",
        ],
        Msg::GaveUpDebrief => [
            "The call went round in circles until the caller gave up. Move the call towards a concrete next step.",
            "通话一直在原地打转，直到客户放弃。要推动通话走向具体的下一步。",
            "Разговор ходил по кругу, пока клиент не сдался. Ведите звонок к конкретному следующему шагу.",
            "La llamada dio vueltas hasta que el cliente se rindió. Lleva la conversación hacia un paso concreto.",
        ],
        Msg::GaveUpSays => [
            "Forget it. I'll call back some other time.",
            "算了，我改天再打吧。",
            "Ладно, забудьте. Перезвоню как-нибудь потом.",
            "Déjelo. Ya llamaré otro día.",
        ],
        Msg::RuleRepetition => [
            "You have said this kind of thing before ({times} times now): each repeat lands worse than the last.",
            "重复：同样的话你已经说了{times}次，每重复一次效果都更差。",
            "Повтор: вы говорите это уже в {times}-й раз, и с каждым разом это звучит хуже.",
            "Repetición: ya es la {times}.ª vez que dices algo así, y cada vez cae peor.",
        ],
        Msg::RuleRepetitionNamed => [
            "Repeated: {kind}, {times} times now. Each repeat lands worse than the last.",
            "重复：这是你第{times}次用「{kind}」回应，每重复一次效果更差。",
            "Повтор: вы в {times}-й раз отвечаете «{kind}»; каждый повтор воспринимается хуже.",
            "Repetición: es la {times}.ª vez que respondes con «{kind}»; cada repetición cae peor.",
        ],
        Msg::RuleHold => [
            "On hold for {seconds} s: anger {anger}, trust {trust}. Holds cost more when long or repeated.",
            "让客户等待{seconds}秒：怒气{anger}，信任{trust}。等待越久、次数越多，代价越大。",
            "Ожидание на линии {seconds} с: раздражение {anger}, доверие {trust}. Долгое или повторное ожидание обходится дороже.",
            "En espera {seconds} s: enfado {anger}, confianza {trust}. Las esperas largas o repetidas cuestan más.",
        ],
        Msg::RuleHoldPoints => [
            "A hold the caller did not need costs points too: {points}.",
            "不必要的等待也要扣分：{points}。",
            "Ненужное ожидание стоит и баллов: {points}.",
            "Una espera innecesaria también cuesta puntos: {points}.",
        ],
        Msg::RulePaidOnce => [
            "Chosen before in this call: its points counted the first time, not again.",
            "本通电话中已经选过：它的分数只在第一次计入。",
            "Этот ответ уже звучал в звонке: его баллы засчитаны в первый раз, повторно — нет.",
            "Ya elegida en esta llamada: sus puntos contaron la primera vez, no otra vez.",
        ],
        Msg::OverAccommodationCap => [
            "Respect and sincerity are held at {cap} or below: the call was closed by giving in to a demand the company should not meet. The caller goes away this time and comes back with the next demand.",
            "尊重和真诚的得分最高为 {cap}：这通电话是靠答应公司不该满足的要求结束的。客户这次走了，下次会带着新的要求再来。",
            "Уважение и искренность — не выше {cap}: звонок закрыт уступкой требованию, которое компания выполнять не должна. Клиент уйдёт сейчас и вернётся со следующим требованием.",
            "Respeto y sinceridad quedan en {cap} como máximo: la llamada se cerró cediendo ante una exigencia que la empresa no debía aceptar. El cliente se va esta vez y vuelve con la siguiente exigencia.",
        ],
        Msg::RuleTransferWithin => [
            "Transfer within policy: the caller insisted or the issue is beyond your authority.",
            "符合规定的转接：客户坚持要求，或问题超出了你的权限。",
            "Перевод по правилам: клиент настаивал, или вопрос вне ваших полномочий.",
            "Transferencia según la política: el cliente insistió o el asunto supera tus atribuciones.",
        ],
        Msg::RuleTransferAgainst => [
            "Transfer against policy: passing the caller on to be rid of them.",
            "违反规定的转接：把客户转走只是为了摆脱他。",
            "Перевод в нарушение правил: вы передали клиента, чтобы от него избавиться.",
            "Transferencia contra la política: pasar al cliente para quitártelo de encima.",
        ],
        Msg::RuleHungUp => [
            "You ended the call on a caller who was not done: an upheld complaint.",
            "客户还没说完你就结束了通话：投诉成立。",
            "Вы завершили звонок, когда клиент ещё не договорил: жалоба обоснована.",
            "Terminaste la llamada sin que el cliente hubiera acabado: la queja procede.",
        ],
        Msg::RuleOverAccommodation => [
            "Over-accommodation: giving in to an unjustified demand to make the caller go away is not a win.",
            "息事宁人：为了让客户走而答应不合理的要求，不算解决问题。",
            "Уступчивость любой ценой: уступить необоснованному требованию, чтобы клиент отстал, — не победа.",
            "Complacencia excesiva: ceder ante una exigencia injustificada para que el cliente se vaya no es un éxito.",
        ],
        Msg::RuleTrait => [
            "{name}: this caller takes this kind of reply harder.",
            "{name}：这位客户对这类回应反应更强烈。",
            "{name}: этот клиент острее реагирует на такие ответы.",
            "{name}: a este cliente este tipo de respuesta le afecta más.",
        ],
        Msg::HangUpReply => ["(Hang up)", "（挂断电话）", "(Положить трубку)", "(Colgar)"],
        Msg::NotUnderstoodSays => [
            "Sorry, I don't follow. What do you mean?",
            "不好意思，我没听明白。您是什么意思？",
            "Простите, я не поняла. Что вы имеете в виду?",
            "Perdone, no le entiendo. ¿Qué quiere decir?",
        ],
        Msg::RuleNotUnderstood => [
            "The caller did not follow what you said: anger {anger}, trust {trust}.",
            "客户没听懂你的话：怒气 {anger}，信任 {trust}。",
            "Клиент не понял, что вы сказали: раздражение {anger}, доверие {trust}.",
            "El cliente no entendió lo que dijiste: enfado {anger}, confianza {trust}.",
        ],
        Msg::NotUnderstoodReply => [
            "(not understood)",
            "（未能理解）",
            "(не понято)",
            "(no entendido)",
        ],
        Msg::OverAccommodatedHeadline => [
            "Closed by over-accommodation",
            "以息事宁人的方式结束",
            "Закрыто ценой уступок",
            "Cerrada cediendo de más",
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_languages_fall_back_to_english() {
        assert_eq!(tr("fr", Msg::GaveUpTitle), "The caller gave up");
        assert_eq!(tr("zh", Msg::GaveUpTitle), "客户放弃了");
    }

    #[test]
    fn fills_placeholders() {
        let s = fill(tr("zh", Msg::RuleRepetition), &[("times", &3)]);
        assert_eq!(s, "重复：同样的话你已经说了3次，每重复一次效果都更差。");
    }
}
