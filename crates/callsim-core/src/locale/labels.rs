//! The words of callsim's own frame (the game's buttons, headings and
//! hints, the headings of `callsim play`) in every language the game's
//! settings offer. Scenario text comes from the scenario files and the
//! core's own sentences from `crate::locale::sentences`; this table is only the frame
//! around them.

use crate::locale::sentences::fill;
use crate::points::Skill;
use crate::scenario::EndingKind;

/// Defines `Label` and its four translations, in the order of
/// `crate::locale::text::GAME_LANGUAGES`: English, Chinese, Russian, Spanish.
macro_rules! labels {
    ($($(#[$doc:meta])* $name:ident => [$en:expr, $zh:expr, $ru:expr, $es:expr $(,)?],)*) => {
        /// A piece of the game's own text.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Label {
            $($(#[$doc])* $name,)*
        }

        impl Label {
            /// Every label, for the tests that check the table.
            #[cfg(test)]
            pub const ALL: &'static [Label] = &[$(Label::$name,)*];

            fn texts(self) -> [&'static str; 4] {
                match self {
                    $(Label::$name => [$en, $zh, $ru, $es],)*
                }
            }
        }
    };
}

labels! {
    // The frame.
    AppName => ["callsim", "callsim", "callsim", "callsim"],
    Tagline => [
        "Call-centre training: take the call, show respect and sincerity.",
        "呼叫中心培训：接起电话，用尊重与真诚服务客户。",
        "Тренажёр для операторов колл-центра: примите звонок, проявите уважение и искренность.",
        "Formación para centros de llamadas: atiende la llamada con respeto y sinceridad.",
    ],
    Back => ["Back", "返回", "Назад", "Volver"],
    Quit => ["Quit", "退出", "Выход", "Salir"],
    Settings => ["Settings", "设置", "Настройки", "Ajustes"],
    Progress => ["Progress", "学习进度", "Прогресс", "Progreso"],
    Practice => ["Practice", "练习", "Тренировка", "Práctica"],
    Exam => ["Exam", "考核", "Экзамен", "Examen"],
    /// `{name}`.
    TraineeBadge => ["Trainee: {name}", "学员：{name}", "Стажёр: {name}", "Participante: {name}"],

    // Title.
    /// `{name}`.
    ContinueAs => ["Continue as {name}", "以 {name} 的身份继续", "Продолжить как {name}", "Continuar como {name}"],
    WhoIsTraining => ["Who is training?", "谁在培训？", "Кто проходит обучение?", "¿Quién se está formando?"],
    NewTraineeName => ["New trainee: your name", "新学员：你的名字", "Новый стажёр: ваше имя", "Nuevo participante: tu nombre"],
    AddTrainee => ["Start", "开始", "Начать", "Empezar"],
    /// `{max}`.
    NameTooLong => [
        "A name can be at most {max} characters long.",
        "名字最多 {max} 个字符。",
        "Имя может быть не длиннее {max} символов.",
        "Un nombre puede tener como máximo {max} caracteres.",
    ],
    NameNeeded => [
        "Type a name to keep your progress.",
        "输入名字即可保存你的学习进度。",
        "Введите имя, чтобы сохранять прогресс.",
        "Escribe un nombre para guardar tu progreso.",
    ],
    ChooseCall => ["Choose a call", "选择来电", "Выбрать звонок", "Elegir una llamada"],

    // Picker.
    PickerTitle => ["Choose a call", "选择一通来电", "Выберите звонок", "Elige una llamada"],
    Topic => ["Topic", "主题", "Тема", "Tema"],
    Language => ["Language", "语言", "Язык", "Idioma"],
    All => ["All", "全部", "Все", "Todos"],
    Easy => ["Easy", "简单", "Лёгкий", "Fácil"],
    Medium => ["Medium", "中等", "Средний", "Media"],
    Hard => ["Hard", "困难", "Сложный", "Difícil"],
    NotPlayedYet => ["Not played yet", "尚未练习", "Ещё не пройден", "Aún sin jugar"],
    /// `{respect}`, `{sincerity}`.
    BestSoFar => [
        "Your best: respect {respect} · sincerity {sincerity}",
        "最佳成绩：尊重 {respect} · 真诚 {sincerity}",
        "Ваш лучший: уважение {respect} · искренность {sincerity}",
        "Tu mejor: respeto {respect} · sinceridad {sincerity}",
    ],
    TakeCall => ["Take this call", "接听这通电话", "Принять звонок", "Atender esta llamada"],
    BrokenScenario => [
        "This scenario file has a mistake",
        "这个情景文件有错误",
        "В файле сценария ошибка",
        "Este archivo de escenario tiene un error",
    ],
    BrokenHelp => [
        "Fix the file and save it: this list updates by itself.",
        "修改文件并保存，列表会自动更新。",
        "Исправьте файл и сохраните его: список обновится сам.",
        "Corrige el archivo y guárdalo: la lista se actualiza sola.",
    ],
    KeptLastGood => [
        "Still playing the last version that loaded.",
        "仍在使用上一次成功加载的版本。",
        "Пока используется последняя исправная версия.",
        "Se sigue usando la última versión que cargó bien.",
    ],
    /// `{dir}`.
    NoScenarios => [
        "No scenario files found in {dir}.",
        "在 {dir} 中没有找到情景文件。",
        "В папке {dir} нет файлов сценариев.",
        "No hay archivos de escenario en {dir}.",
    ],
    NoMatch => [
        "No call matches these filters.",
        "没有符合筛选条件的来电。",
        "Нет звонков с такими фильтрами.",
        "Ninguna llamada coincide con estos filtros.",
    ],
    /// `{file}`.
    Reloaded => ["Updated: {file}", "已更新：{file}", "Обновлено: {file}", "Actualizado: {file}"],

    // Incoming call.
    IncomingCall => ["Incoming call", "来电", "Входящий звонок", "Llamada entrante"],
    Answer => ["Answer", "接听", "Ответить", "Contestar"],
    AnswerHint => [
        "Press Enter or Space to answer",
        "按 Enter 或空格键接听",
        "Нажмите Enter или пробел, чтобы ответить",
        "Pulsa Intro o Espacio para contestar",
    ],
    CentrePolicy => ["Centre policy", "中心规定", "Правила центра", "Política del centro"],
    PracticeHelp => [
        "Practice: you see the caller's mood and the points of each reply as you go.",
        "练习模式：通话中可以看到客户情绪和每句回应的得分。",
        "Тренировка: настроение клиента и баллы за каждый ответ видны сразу.",
        "Práctica: ves el ánimo del cliente y los puntos de cada respuesta al momento.",
    ],
    ExamHelp => [
        "Exam: no meters and no points until the debrief.",
        "考核模式：复盘之前不显示情绪指标和得分。",
        "Экзамен: ни шкал, ни баллов до разбора звонка.",
        "Examen: sin indicadores ni puntos hasta la revisión.",
    ],

    // In the call.
    CallTime => ["Call time", "通话时长", "Длительность", "Duración"],
    You => ["You", "你", "Вы", "Tú"],
    WhatDoYouSay => ["What do you say?", "你怎么回应？", "Что вы ответите?", "¿Qué respondes?"],

    // Typed replies.
    TypeYourReply => [
        "Type what you say, then Enter.",
        "输入你要说的话，然后按回车。",
        "Напишите, что вы скажете, и нажмите Enter.",
        "Escribe lo que dices y pulsa Intro.",
    ],
    UnderstoodAs => ["understood as: ", "理解为：", "понято как: ", "entendido como: "],
    NotUnderstood => [
        "not understood: the caller did not follow",
        "未能理解：客户没听明白",
        "не понято: клиент не понял",
        "no entendido: el cliente no te siguió",
    ],
    DidYouMean => ["Did you mean…", "你的意思是……", "Вы имели в виду…", "¿Querías decir…"],
    SayItAnotherWay => [
        "…or say it another way.",
        "……或者换个说法。",
        "…или скажите иначе.",
        "…o dilo de otra manera.",
    ],
    PutItAnotherWay => [
        "Not quite clear: put it another way.",
        "没太明白：请换个说法。",
        "Не совсем понятно: скажите иначе.",
        "No queda claro: dilo de otra manera.",
    ],
    /// `{max}`.
    TypedTooLong => [
        "Only the first {max} characters are read.",
        "只读取前 {max} 个字符。",
        "Читаются только первые {max} символов.",
        "Solo se leen los primeros {max} caracteres.",
    ],
    ModelLoading => [
        "The language model is loading; choose from the options for now.",
        "语言模型正在加载，请暂时从选项中选择。",
        "Языковая модель загружается; пока выберите из вариантов.",
        "El modelo de lenguaje se está cargando; de momento elige entre las opciones.",
    ],
    /// `{error}`.
    ModelMissing => [
        "Typed replies are off: {error}",
        "无法使用输入回复：{error}",
        "Ответы своими словами недоступны: {error}",
        "Las respuestas escritas no están disponibles: {error}",
    ],
    HowYouReply => ["How you reply", "回复方式", "Как вы отвечаете", "Cómo respondes"],
    ReplyByChoosing => ["Choose from options", "从选项中选择", "Выбирать из вариантов", "Elegir entre opciones"],
    ReplyByTyping => ["Type your own words", "用自己的话输入", "Писать своими словами", "Escribir con tus palabras"],
    TypingRequired => ["Trainees type their replies in their own words", "学员须用自己的话输入回复", "Стажёры пишут ответы своими словами", "Los alumnos escriben sus respuestas con sus palabras"],
    ClassAsksTyping => ["Your class asks you to type your replies in your own words.", "你的班级要求你用自己的话输入回复。", "Ваша группа просит писать ответы своими словами.", "Tu clase pide que escribas tus respuestas con tus palabras."],
    YouTyped => ["You typed", "你输入的", "Вы написали", "Escribiste"],
    NotWhatIMeant => ["That is not what I meant", "这不是我的意思", "Я имел(а) в виду другое", "No es lo que quise decir"],
    FlaggedNotMeant => [
        "Flagged: kept with this call for your trainer, who can teach the game these words.",
        "已标记：随这通电话保存，培训师可以据此让游戏学会理解这些话。",
        "Отмечено: сохранено с этим звонком для тренера, чтобы он научил игру понимать эти слова.",
        "Marcado: se guarda con esta llamada para tu formador, que puede enseñar al juego estas palabras.",
    ],
    /// `{percent}`.
    Sureness => ["{percent}% sure", "把握 {percent}%", "уверенность {percent}%", "seguridad {percent}%"],
    Actions => ["Actions", "操作", "Действия", "Acciones"],
    CheckAccount => ["Check the account", "查询账户", "Проверить счёт", "Consultar la cuenta"],
    /// `{time}`.
    PutOnHold => ["Put on hold ({time})", "让客户稍候（{time}）", "Поставить на удержание ({time})", "Poner en espera ({time})"],
    Transfer => ["Transfer to a supervisor", "转接主管", "Перевести на руководителя", "Transferir a un supervisor"],
    EndCall => ["End the call", "结束通话", "Завершить звонок", "Terminar la llamada"],
    HangUp => ["Hang up", "挂断", "Положить трубку", "Colgar"],
    Account => ["Account", "账户信息", "Данные счёта", "Cuenta"],
    Close => ["Close", "关闭", "Закрыть", "Cerrar"],
    OnHold => ["On hold", "等待中", "На удержании", "En espera"],
    TakeOffHold => ["Back to the caller", "恢复通话", "Вернуться к клиенту", "Volver con el cliente"],
    CheckedAccountNote => ["You checked the account.", "你查询了账户。", "Вы проверили счёт.", "Consultaste la cuenta."],
    /// `{time}`.
    HeldNote => [
        "You put the caller on hold for {time}.",
        "你让客户等待了 {time}。",
        "Вы поставили клиента на удержание на {time}.",
        "Pusiste al cliente en espera {time}.",
    ],
    /// `{name}`: an action button for a `policy.transfers` target.
    TransferTo => ["Transfer to {name}", "转接到{name}", "Перевести: {name}", "Transferir a {name}"],
    /// `{name}`.
    TransferredToNote => [
        "You transferred the call to {name}.",
        "你把电话转到了{name}。",
        "Вы перевели звонок: {name}.",
        "Transferiste la llamada a {name}.",
    ],
    TransferredNote => [
        "You transferred the call to a supervisor.",
        "你把电话转给了主管。",
        "Вы перевели звонок на руководителя.",
        "Transferiste la llamada a un supervisor.",
    ],
    EndedNote => ["You ended the call.", "你结束了通话。", "Вы завершили звонок.", "Terminaste la llamada."],
    CallEnded => ["Call ended", "通话结束", "Звонок завершён", "Llamada terminada"],
    SeeDebrief => ["See the debrief", "查看复盘", "Разбор звонка", "Ver la revisión"],
    /// `{keys}`: `1` or `1–4`.
    ReplyKeys => [
        "Press {keys} or Enter to reply · Space shows the whole line · Tab moves the focus",
        "按 {keys} 或 Enter 选择回应 · 空格显示整句 · Tab 切换焦点",
        "{keys} или Enter — ответ · пробел — вся реплика · Tab — фокус",
        "Pulsa {keys} o Intro para responder · Espacio muestra la frase · Tab mueve el foco",
    ],
    Calm => ["Calm", "平静", "Спокоен", "Tranquilo"],
    Annoyed => ["Annoyed", "不耐烦", "Раздражён", "Molesto"],
    Angry => ["Angry", "生气", "Зол", "Enfadado"],
    Relieved => ["Relieved", "松了口气", "Успокоился", "Aliviado"],
    Pleased => ["Pleased", "满意", "Доволен", "Contento"],

    // Scores.
    Respect => ["Respect", "尊重", "Уважение", "Respeto"],
    Sincerity => ["Sincerity", "真诚", "Искренность", "Sinceridad"],
    Understanding => ["Understanding", "理解", "Понимание", "Comprensión"],
    Acknowledgement => ["Acknowledgement", "认同", "Признание", "Reconocimiento"],
    Emotion => ["Emotion", "情感", "Эмоции", "Emoción"],
    Assistance => ["Assistance", "协助", "Помощь", "Ayuda"],

    // Debrief.
    Debrief => ["Debrief", "通话复盘", "Разбор звонка", "Revisión"],
    Delighted => ["Delighted", "非常满意", "В восторге", "Encantado"],
    Resolved => ["Resolved", "已解决", "Решено", "Resuelto"],
    Escalated => ["Escalated", "已升级", "Передано выше", "Escalado"],
    Complaint => ["Complaint", "投诉", "Жалоба", "Queja"],
    CallerHungUp => ["Caller hung up", "客户挂断", "Клиент бросил трубку", "El cliente colgó"],
    AgentHungUp => ["You hung up", "你挂断了电话", "Вы бросили трубку", "Colgaste tú"],
    /// `{time}`, `{seed}`.
    CallFacts => ["Call time {time} · seed {seed}", "通话时长 {time} · 种子 {seed}", "Длительность {time} · зерно {seed}", "Duración {time} · semilla {seed}"],
    TurnByTurn => ["Turn by turn", "逐句复盘", "Ход за ходом", "Turno a turno"],
    Caller => ["Caller", "客户", "Клиент", "Cliente"],
    BestHere => ["Best reply here", "这里最好的回应", "Лучший ответ здесь", "Mejor respuesta aquí"],
    WasBest => ["The best reply available", "这是当时最好的回应", "Лучший из возможных ответов", "La mejor respuesta posible"],
    TryAgain => ["Try again (new call)", "再试一次（新来电）", "Ещё раз (новый звонок)", "Otra vez (nueva llamada)"],
    ReplayCall => ["Replay this call", "重播这通电话", "Повторить этот звонок", "Repetir esta llamada"],
    ScrollHint => [
        "Page Down / Page Up scroll",
        "Page Down / Page Up 翻页",
        "Page Down / Page Up — прокрутка",
        "Re Pág / Av Pág para desplazarte",
    ],
    OtherCall => ["Choose another call", "选择其他来电", "Другой звонок", "Elegir otra llamada"],
    /// `{error}`.
    NotSaved => [
        "This call could not be saved: {error}",
        "这次通话未能保存：{error}",
        "Звонок не удалось сохранить: {error}",
        "No se pudo guardar la llamada: {error}",
    ],

    // Progress.
    ProgressTitle => ["Your progress", "你的学习进度", "Ваш прогресс", "Tu progreso"],
    NoAttempts => [
        "No calls yet. Take one from the list of calls.",
        "还没有通话记录，去来电列表接一通吧。",
        "Звонков пока нет. Выберите звонок из списка.",
        "Aún no hay llamadas. Elige una de la lista.",
    ],
    PerCall => [
        "Respect and sincerity, call by call",
        "每通电话的尊重与真诚得分",
        "Уважение и искренность по звонкам",
        "Respeto y sinceridad, llamada a llamada",
    ],
    BestPerScenario => ["Best per scenario", "各情景最佳成绩", "Лучшее по сценариям", "Mejor por escenario"],
    Calls => ["Calls", "通话记录", "Звонки", "Llamadas"],
    When => ["When", "时间", "Когда", "Cuándo"],
    Scenario => ["Scenario", "情景", "Сценарий", "Escenario"],
    Ending => ["Ending", "结局", "Итог", "Final"],
    NoTrainee => [
        "Choose or create a trainee on the title screen to keep progress.",
        "请先在首页选择或创建学员，才能保存学习进度。",
        "Выберите или создайте стажёра на главном экране, чтобы сохранять прогресс.",
        "Elige o crea un participante en la pantalla de inicio para guardar el progreso.",
    ],

    // Settings.
    SettingsTitle => ["Settings", "设置", "Настройки", "Ajustes"],
    TextSize => ["Text size", "文字大小", "Размер текста", "Tamaño del texto"],
    Small => ["Small", "小", "Мелкий", "Pequeño"],
    Normal => ["Normal", "标准", "Обычный", "Normal"],
    Large => ["Large", "大", "Крупный", "Grande"],
    Largest => ["Largest", "特大", "Очень крупный", "Muy grande"],
    Mode => ["Mode", "模式", "Режим", "Modo"],
    Sound => ["Sound", "声音", "Звук", "Sonido"],
    SoundOn => ["Ringing and hold music", "来电铃声和等待音乐", "Звонок и музыка на удержании", "Tono de llamada y música de espera"],
    NoSoundInBuild => [
        "This build has no sound (it was built without the `sound` feature).",
        "此版本没有声音（编译时未启用 `sound` 功能）。",
        "В этой сборке нет звука (она собрана без функции `sound`).",
        "Esta versión no tiene sonido (se compiló sin la función `sound`).",
    ],
    SavedAutomatically => [
        "Changes are saved as you make them.",
        "更改会自动保存。",
        "Изменения сохраняются сразу.",
        "Los cambios se guardan al momento.",
    ],
    /// `{error}`.
    SettingsNotSaved => [
        "Settings could not be saved: {error}",
        "设置未能保存：{error}",
        "Не удалось сохранить настройки: {error}",
        "No se pudieron guardar los ajustes: {error}",
    ],

    // A class: joining a facilitator's hub, and vote mode.
    JoinClass => ["Join class", "加入班级", "Присоединиться к группе", "Unirse a una clase"],
    /// `{name}`.
    ClassBadge => ["Class: {name}", "班级：{name}", "Группа: {name}", "Clase: {name}"],
    ClassTitle => ["Class", "班级", "Группа", "Clase"],
    HubAddress => [
        "Hub address (your facilitator gives it, e.g. 192.168.1.20:7878)",
        "班级服务器地址（由培训师提供，例如 192.168.1.20:7878）",
        "Адрес сервера группы (его даёт ведущий, например 192.168.1.20:7878)",
        "Dirección del servidor de la clase (te la da quien dirige, p. ej. 192.168.1.20:7878)",
    ],
    HubAddressToRun => [
        "Hub address (the PC running `callsim serve`, e.g. 192.168.1.20:7878)",
        "班级服务器地址（运行 `callsim serve` 的电脑，例如 192.168.1.20:7878）",
        "Адрес сервера группы (компьютер, где запущен `callsim serve`, например 192.168.1.20:7878)",
        "Dirección del servidor (el PC donde corre `callsim serve`, p. ej. 192.168.1.20:7878)",
    ],
    JoinCode => ["Join code", "加入码", "Код группы", "Código de la clase"],
    YourName => ["Your name", "你的名字", "Ваше имя", "Tu nombre"],
    Join => ["Join", "加入", "Войти", "Unirme"],
    Connecting => ["Connecting to the hub…", "正在连接班级服务器……", "Подключение к серверу группы…", "Conectando con el servidor de la clase…"],
    /// `{name}`, `{hub}`.
    JoinedAs => [
        "You are in this class as {name} (hub {hub}). Every call you finish is sent to your facilitator.",
        "你以 {name} 的身份在这个班级中（服务器 {hub}）。你完成的每一通电话都会发送给培训师。",
        "Вы в этой группе как {name} (сервер {hub}). Каждый завершённый звонок отправляется ведущему.",
        "Estás en esta clase como {name} (servidor {hub}). Cada llamada que terminas se envía a quien dirige la clase.",
    ],
    AssignedCalls => ["Assigned calls", "指定练习的电话", "Назначенные звонки", "Llamadas asignadas"],
    Assigned => ["Assigned", "已指定", "Назначен", "Asignada"],
    AllSent => [
        "Every call you finished has reached the hub.",
        "你完成的所有电话都已送达班级服务器。",
        "Все завершённые звонки дошли до сервера группы.",
        "Todas las llamadas que terminaste han llegado al servidor.",
    ],
    /// `{count}`.
    WaitingToSend => [
        "Finished calls waiting for the hub: {count}. They are sent as soon as it can be reached; none is lost.",
        "等待发送到班级服务器的电话：{count}。一旦能连上就会发送，不会丢失。",
        "Завершённых звонков ждут отправки: {count}. Они уйдут, как только сервер станет доступен; ничего не потеряется.",
        "Llamadas terminadas esperando al servidor: {count}. Se envían en cuanto se pueda conectar; no se pierde ninguna.",
    ],
    /// `{error}`: the hub's or the network's own words, in English.
    LastAnswer => ["Last answer: {error}", "最近一次的回应：{error}", "Последний ответ: {error}", "Última respuesta: {error}"],
    // Why finished calls wait for the hub, one per kind (`WaitReason`).
    WaitNotTried => [
        "Not sent yet: it goes at the next try.",
        "尚未发送：下次尝试时发送。",
        "Ещё не отправлен: уйдёт при следующей попытке.",
        "Aún no enviada: se enviará en el próximo intento.",
    ],
    WaitUnreachable => [
        "The class hub cannot be reached: check that it is running and that this PC is on the training room's network. The game keeps trying.",
        "无法连接班级服务器：请确认服务器正在运行，并且这台电脑连在培训室的网络上。游戏会继续尝试。",
        "Сервер группы недоступен: проверьте, что он запущен и что этот компьютер в сети учебного класса. Игра продолжает попытки.",
        "No se puede conectar con el servidor de la clase: comprueba que está en marcha y que este PC está en la red del aula. El juego sigue intentándolo.",
    ],
    WaitUnknownTrainee => [
        "The hub no longer knows you (it may have been restarted afresh): leave the class and join it again, and the waiting calls go with you.",
        "班级服务器已不认识你（它可能被重新启动并清空了）：请退出班级后重新加入，等待中的电话会随之发送。",
        "Сервер группы вас больше не знает (возможно, его запустили заново): выйдите из группы и войдите снова — ожидающие звонки уйдут вместе с вами.",
        "El servidor ya no te reconoce (puede que se haya reiniciado desde cero): sal de la clase y vuelve a unirte, y las llamadas en espera se enviarán contigo.",
    ],
    WaitScenarioMissing => [
        "The hub does not have this call's scenario: ask your facilitator to add the scenario file to the hub. The game keeps trying.",
        "班级服务器没有这通电话的场景：请培训师把场景文件加到服务器上。游戏会继续尝试。",
        "На сервере группы нет сценария этого звонка: попросите ведущего добавить файл сценария на сервер. Игра продолжает попытки.",
        "El servidor no tiene el escenario de esta llamada: pide a quien dirige la clase que añada el archivo al servidor. El juego sigue intentándolo.",
    ],
    WaitClassClosed => [
        "The class was closed before this call reached it. It stays in your progress on this PC.",
        "这通电话送达之前班级已经结束。它仍保存在这台电脑的学习进度中。",
        "Группу закрыли раньше, чем звонок дошёл до сервера. Он остаётся в вашем прогрессе на этом компьютере.",
        "La clase se cerró antes de que llegara esta llamada. Sigue guardada en tu progreso en este PC.",
    ],
    WaitRefused => [
        "The hub refused this call and it is not sent again (its scores do not match the hub's copy of the scenario, or it was changed after sending). It stays in your progress on this PC.",
        "班级服务器拒绝了这通电话，不会再次发送（它的分数与服务器上的场景不符，或者发送后被修改过）。它仍保存在这台电脑的学习进度中。",
        "Сервер группы отклонил этот звонок, и он больше не отправляется (его баллы не совпадают со сценарием на сервере или он изменён после отправки). Он остаётся в вашем прогрессе на этом компьютере.",
        "El servidor rechazó esta llamada y no se vuelve a enviar (sus puntuaciones no coinciden con el escenario del servidor, o se cambió después de enviarla). Sigue guardada en tu progreso en este PC.",
    ],
    WaitLocal => [
        "The class outbox on this PC could not be used; the call is kept in your progress and sent when the game starts again.",
        "这台电脑上的班级发件箱无法使用；这通电话保存在学习进度中，游戏下次启动时发送。",
        "Очередь отправки на этом компьютере недоступна; звонок сохранён в прогрессе и уйдёт при следующем запуске игры.",
        "No se pudo usar la bandeja de salida de la clase en este PC; la llamada queda en tu progreso y se envía al volver a abrir el juego.",
    ],
    WaitOther => [
        "The hub has not taken this call yet; the game keeps trying.",
        "班级服务器还没有接收这通电话；游戏会继续尝试。",
        "Сервер группы пока не принял этот звонок; игра продолжает попытки.",
        "El servidor aún no ha aceptado esta llamada; el juego sigue intentándolo.",
    ],
    /// `{count}` of the calls on the progress screen.
    ProgressWaiting => [
        "{count} of your calls have not reached your class yet.",
        "你有 {count} 通电话还没有送达班级。",
        "Звонков, ещё не дошедших до группы: {count}.",
        "{count} de tus llamadas aún no han llegado a la clase.",
    ],
    /// `{scenario}`, `{error}`.
    RefusedAttempt => [
        "{scenario}: not accepted by the hub: {error}",
        "{scenario}：班级服务器未接受：{error}",
        "{scenario}: сервер не принял: {error}",
        "{scenario}: el servidor no la aceptó: {error}",
    ],
    LeaveClass => ["Leave class", "退出班级", "Выйти из группы", "Salir de la clase"],
    GoToClassVote => ["Go to the class vote", "进入班级投票", "К голосованию группы", "Ir a la votación de la clase"],
    NoVoteYet => [
        "Your facilitator has not started a vote yet.",
        "培训师还没有开始投票。",
        "Ведущий ещё не начал голосование.",
        "Quien dirige la clase aún no ha empezado una votación.",
    ],
    Facilitate => ["Run a class (facilitator)", "组织班级（培训师）", "Провести занятие (ведущий)", "Dirigir una clase"],
    ClassName => ["Class name", "班级名称", "Название группы", "Nombre de la clase"],
    CreateClass => ["Create class", "创建班级", "Создать группу", "Crear la clase"],
    ScenariosToAssign => [
        "Calls to assign, in this order:",
        "按此顺序指定的电话：",
        "Назначить звонки, в этом порядке:",
        "Llamadas que asignar, en este orden:",
    ],
    /// `{code}`.
    ShowJoinCode => [
        "Show this join code to the class: {code}",
        "请向学员展示加入码：{code}",
        "Покажите группе код: {code}",
        "Muestra este código a la clase: {code}",
    ],
    ResultsPage => [
        "Class results for the projector (open in a browser; the link carries your key):",
        "投影用的班级成绩页面（在浏览器中打开；链接中带有你的密钥）：",
        "Результаты группы для проектора (откройте в браузере; в ссылке ваш ключ):",
        "Resultados de la clase para el proyector (ábrelos en un navegador; el enlace lleva tu clave):",
    ],
    SetUpAnotherClass => ["Set up another class", "创建另一个班级", "Создать другую группу", "Crear otra clase"],
    ClassStaysOnHub => [
        "This class stays on the hub and its results page keeps working; this PC stops running it.",
        "这个班级仍保留在班级服务器上，成绩页面照常可用；只是这台电脑不再管理它。",
        "Группа останется на сервере, страница результатов продолжит работать; этот компьютер просто перестанет ею управлять.",
        "La clase sigue en el servidor y su página de resultados sigue funcionando; este equipo deja de dirigirla.",
    ],
    StartClassVote => ["Start a class vote", "开始班级投票", "Начать голосование группы", "Empezar una votación"],
    BackToVote => ["Back to the vote", "回到投票", "Вернуться к голосованию", "Volver a la votación"],
    /// `{turn}`, `{voted}`, `{trainees}`.
    VoteTurn => [
        "Turn {turn}: {voted} of {trainees} voted",
        "第 {turn} 轮：{trainees} 人中已有 {voted} 人投票",
        "Ход {turn}: проголосовали {voted} из {trainees}",
        "Turno {turn}: han votado {voted} de {trainees}",
    ],
    VoteForReply => ["Vote for what the agent says:", "投票选择接线员的回应：", "Голосуйте за ответ оператора:", "Vota qué debe decir quien atiende:"],
    YouVoted => [
        "Your vote is in; you can change it until the facilitator plays the turn.",
        "已投票；在培训师出牌前你还可以更改。",
        "Ваш голос учтён; его можно изменить, пока ведущий не сделал ход.",
        "Tu voto está dentro; puedes cambiarlo hasta que se juegue el turno.",
    ],
    PlayClassChoice => ["Play the class's choice", "采用全班的选择", "Сыграть выбор группы", "Jugar la elección de la clase"],
    PlayThis => ["Play this", "采用这个", "Сыграть это", "Jugar esta"],
    FacilitatorsChoice => ["the facilitator's choice", "培训师的选择", "выбор ведущего", "elección de quien dirige"],
    SoFar => ["So far", "目前为止", "Пока что", "Hasta ahora"],
    /// `{ending}`.
    VoteEnded => ["The call ended: {ending}", "通话结束：{ending}", "Звонок окончен: {ending}", "La llamada terminó: {ending}"],
    FetchingDebrief => ["Fetching the debrief…", "正在获取复盘……", "Загрузка разбора…", "Cargando el análisis…"],
    ClassVotes => ["How the class voted", "全班的投票", "Как голосовала группа", "Cómo votó la clase"],
    Played => ["Played", "采用", "Сыграно", "Jugada"],
    /// `{percent}`.
    VotedBest => [
        "{percent}% voted for the best reply",
        "{percent}% 的人投给了最好的回应",
        "{percent}% проголосовали за лучший ответ",
        "El {percent}% votó la mejor respuesta",
    ],
    /// A skill the scenario never scores, instead of a figure.
    NotAssessed => ["not assessed here", "本场景不评估", "здесь не оценивается", "no se evalúa aquí"],
    /// `{lost}`: beside a score in the debrief.
    PointsLost => ["{lost} points lost", "失分 {lost}", "потеряно баллов: {lost}", "{lost} puntos perdidos"],
    /// What the 0-100 figures mean, under the scores.
    ScaleHelp => [
        "100 is the best play this call allowed; 0 is nothing earned. Points lost: what the best play would have earned beyond yours.",
        "100 分是这通电话允许的最佳表现；0 分表示什么都没得到。失分：最佳打法比你多得的分数。",
        "100 — лучшая игра, возможная в этом звонке; 0 — ничего не заработано. Потеряно: сколько лучшая игра заработала бы сверх вашего.",
        "100 es la mejor jugada que permitía esta llamada; 0 es no haber ganado nada. Puntos perdidos: lo que la mejor jugada habría ganado de más.",
    ],
    NoClassVote => ["No class vote is open.", "没有进行中的班级投票。", "Голосование не идёт.", "No hay ninguna votación abierta."],

    // `callsim play`, in the terminal.
    /// `{seed}`.
    SeedIs => ["(seed {seed})", "（种子 {seed}）", "(зерно {seed})", "(semilla {seed})"],
    /// `{total}`, `{best}`, `{lost}`.
    ScoreDetail => [
        "({total} of the best play's {best} points; {lost} lost)",
        "（得分 {total}，最佳打法 {best} 分；失分 {lost}）",
        "(набрано {total} из {best} при лучшей игре; потеряно {lost})",
        "({total} de los {best} puntos de la mejor jugada; {lost} perdidos)",
    ],
    /// `{seconds}`.
    HoldTag => ["hold {seconds} s", "稍候 {seconds} 秒", "удержание {seconds} с", "espera {seconds} s"],
    /// `{args}`.
    ReplayWith => ["Replay with: {args}", "重播这通电话：{args}", "Повторить звонок: {args}", "Repetir la llamada: {args}"],
}

/// The label naming `skill`.
pub fn skill_label(skill: Skill) -> Label {
    match skill {
        Skill::Understanding => Label::Understanding,
        Skill::Acknowledgement => Label::Acknowledgement,
        Skill::Emotion => Label::Emotion,
        Skill::Assistance => Label::Assistance,
    }
}

/// A reply's points in words, e.g. `Understanding +2, Acknowledgement +1,
/// Emotion 0, Assistance +3` (`理解 +2，认同 +1，…` in Chinese). Never one
/// letter per skill: `S` for assistance read as Sincerity, and letters
/// cannot be translated.
pub fn points_text(lang: &str, points: crate::points::Points) -> String {
    let separator = if lang == "zh" { "，" } else { ", " };
    Skill::ALL
        .iter()
        .map(|&skill| match points.get(skill) {
            0 => format!("{} 0", t(lang, skill_label(skill))),
            n => format!("{} {n:+}", t(lang, skill_label(skill))),
        })
        .collect::<Vec<_>>()
        .join(separator)
}

/// The label naming an ending of `kind`.
pub fn ending_label(kind: EndingKind) -> Label {
    match kind {
        EndingKind::Delighted => Label::Delighted,
        EndingKind::Resolved => Label::Resolved,
        EndingKind::Escalated => Label::Escalated,
        EndingKind::Complaint => Label::Complaint,
        EndingKind::CallerHungUp => Label::CallerHungUp,
        EndingKind::AgentHungUp => Label::AgentHungUp,
    }
}

/// The keys that choose among `n` replies: `1`, or `1–n`.
pub fn reply_keys(n: usize) -> String {
    if n <= 1 {
        "1".to_owned()
    } else {
        format!("1–{n}")
    }
}

/// `label` in `lang`, or in English when the game does not speak `lang`.
pub fn t(lang: &str, label: Label) -> &'static str {
    let [en, zh, ru, es] = label.texts();
    match lang {
        "zh" => zh,
        "ru" => ru,
        "es" => es,
        _ => en,
    }
}

/// `label` in `lang` with its `{placeholders}` filled.
pub fn tf(lang: &str, label: Label, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    fill(t(lang, label), values)
}

/// `seconds` as `m:ss`.
pub fn clock(seconds: u32) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

#[cfg(test)]
mod tests {
    // Issue 11: `callsim play` wrote points as `U+2 A+1 E0 S+3`; `S` read
    // as Sincerity, and the letters were English in every language.
    #[test]
    fn points_are_written_with_translated_skill_names_not_letters() {
        let p = crate::points::Points::new(2, 1, 0, -3);
        assert_eq!(
            super::points_text("en", p),
            "Understanding +2, Acknowledgement +1, Emotion 0, Assistance -3"
        );
        assert_eq!(super::points_text("zh", p), "理解 +2，认同 +1，情感 0，协助 -3");
        assert_eq!(
            super::points_text("ru", p),
            "Понимание +2, Признание +1, Эмоции 0, Помощь -3"
        );
        assert_eq!(
            super::points_text("es", p),
            "Comprensión +2, Reconocimiento +1, Emoción 0, Ayuda -3"
        );
    }

    use super::*;
    use crate::locale::text::GAME_LANGUAGES;

    fn placeholders(s: &str) -> Vec<&str> {
        let mut out: Vec<&str> = s
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        out.sort_unstable();
        out
    }

    #[test]
    fn every_label_is_translated_with_the_same_placeholders() {
        for &label in Label::ALL {
            let english = t("en", label);
            assert!(!english.trim().is_empty(), "{label:?} is empty in English");
            for (lang, _) in GAME_LANGUAGES {
                let text = t(lang, label);
                assert!(!text.trim().is_empty(), "{label:?} is empty in {lang}");
                assert_eq!(
                    placeholders(text),
                    placeholders(english),
                    "{label:?} in {lang} has other placeholders than in English"
                );
            }
        }
    }

    #[test]
    fn one_reply_is_one_key() {
        let hint = |n| tf("en", Label::ReplyKeys, &[("keys", &reply_keys(n))]);
        assert!(hint(1).starts_with("Press 1 or Enter to reply"), "{}", hint(1));
        assert!(hint(4).starts_with("Press 1–4 or Enter to reply"), "{}", hint(4));
    }

    #[test]
    fn labels_follow_the_language_and_fall_back_to_english() {
        assert_eq!(t("zh", Label::Respect), "尊重");
        assert_eq!(t("ru", Label::Sincerity), "Искренность");
        assert_eq!(t("fr", Label::Answer), "Answer");
        assert_eq!(
            tf("es", Label::ContinueAs, &[("name", &"Ana")]),
            "Continuar como Ana"
        );
    }

    #[test]
    fn clock_shows_minutes_and_seconds() {
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(75), "1:15");
        assert_eq!(clock(600), "10:00");
    }
}
