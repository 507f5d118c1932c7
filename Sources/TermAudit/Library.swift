/// An entry of a controlled vocabulary (a department, a finding category, a goal area …).
public struct VocabularyEntry: Sendable, Hashable {
    public var id: String
    public var label: Label
    public var citation: Citation?

    public init(id: String, label: Label, citation: Citation? = nil) {
        self.id = id
        self.label = label
        self.citation = citation
    }
}

/// A handover checklist template (`kind: handover-template`).
public struct HandoverTemplate: Sendable, Hashable {
    /// An area of the checklist with its items.
    public struct Area: Sendable, Hashable {
        public var id: String
        public var label: Label
        public var items: [Item]

        public init(id: String, label: Label, items: [Item]) {
            self.id = id
            self.label = label
            self.items = items
        }
    }

    /// A concrete item to hand over or check.
    public struct Item: Sendable, Hashable {
        public var id: String
        public var label: Label
        public var hint: Label?

        public init(id: String, label: Label, hint: Label? = nil) {
            self.id = id
            self.label = label
            self.hint = hint
        }
    }

    public var id: String
    public var version: Int
    public var title: Label
    public var citation: Citation?
    public var areas: [Area]

    public init(id: String, version: Int, title: Label, citation: Citation? = nil, areas: [Area]) {
        self.id = id
        self.version = version
        self.title = title
        self.citation = citation
        self.areas = areas
    }

    /// Every item id with its area, in template order.
    public var allItems: [(area: Area, item: Item)] {
        areas.flatMap { area in area.items.map { (area, $0) } }
    }

    /// The area that holds an item id.
    public func area(ofItem id: String) -> Area? {
        areas.first { $0.items.contains { $0.id == id } }
    }
}

/// An audit program: the audit content items for one kind of audited leader (`kind: audit-program`).
public struct AuditProgram: Sendable, Hashable {
    /// One content item and the department that answers for it by default.
    public struct Item: Sendable, Hashable {
        public var id: String
        public var label: Label
        public var department: String
        public var citation: Citation?

        public init(id: String, label: Label, department: String, citation: Citation? = nil) {
            self.id = id
            self.label = label
            self.department = department
            self.citation = citation
        }
    }

    public var id: String
    public var version: Int
    public var title: Label
    public var appliesTo: Label?
    public var citation: Citation?
    public var items: [Item]

    public init(id: String, version: Int, title: Label, appliesTo: Label? = nil, citation: Citation? = nil, items: [Item]) {
        self.id = id
        self.version = version
        self.title = title
        self.appliesTo = appliesTo
        self.citation = citation
        self.items = items
    }
}

/// Everything under `checklists/`: vocabularies, templates, programs and policies, by id.
public struct Library: Sendable {
    public var departments: [VocabularyEntry]
    public var findingCategories: [VocabularyEntry]
    public var responsibilities: [VocabularyEntry]
    public var goalAreas: [VocabularyEntry]
    public var handoverTemplates: [String: HandoverTemplate]
    public var auditPrograms: [String: AuditProgram]
    public var policies: [String: Policy]

    public init(departments: [VocabularyEntry] = [], findingCategories: [VocabularyEntry] = [],
                responsibilities: [VocabularyEntry] = [], goalAreas: [VocabularyEntry] = [],
                handoverTemplates: [String: HandoverTemplate] = [:], auditPrograms: [String: AuditProgram] = [:],
                policies: [String: Policy] = [:]) {
        self.departments = departments
        self.findingCategories = findingCategories
        self.responsibilities = responsibilities
        self.goalAreas = goalAreas
        self.handoverTemplates = handoverTemplates
        self.auditPrograms = auditPrograms
        self.policies = policies
    }

    /// The label of a department id (the id itself when unknown).
    public func department(_ id: String) -> Label {
        departments.first { $0.id == id }?.label ?? Label(zh: id, en: id)
    }

    /// The label of a goal area id.
    public func goalArea(_ id: String) -> Label {
        goalAreas.first { $0.id == id }?.label ?? Label(zh: id, en: id)
    }

    /// The label of a finding category id.
    public func findingCategory(_ id: String) -> Label {
        findingCategories.first { $0.id == id }?.label ?? Label(zh: id, en: id)
    }

    /// The label of a responsibility id.
    public func responsibility(_ id: String) -> Label {
        responsibilities.first { $0.id == id }?.label ?? Label(zh: id, en: id)
    }
}

/// The workspace settings (`termaudit.yaml`).
public struct WorkspaceConfig: Sendable, Hashable {
    /// The jurisdiction's name (e.g. 青山县).
    public var jurisdiction: String
    /// The policy id in force.
    public var policy: String
    /// Handover templates the workspace uses; the first is the default.
    public var handoverChecklists: [String]
    /// The audit period (e.g. "2024年度" or "2024"), shown on workbooks.
    public var period: String?
    /// The reference date (审计基准日) for term questions; rules use it instead of the clock.
    public var asOf: Day?
    /// Where the checklists folder is, relative to the workspace.
    public var library: String?
    /// The audit program for cases whose `audit:` section names none.
    public var auditProgram: String?
    /// Audit program items reassigned to another department: program id → item id → department id.
    public var auditReassign: [String: [String: String]]

    public init(jurisdiction: String, policy: String, handoverChecklists: [String] = [], period: String? = nil,
                asOf: Day? = nil, library: String? = nil, auditProgram: String? = nil,
                auditReassign: [String: [String: String]] = [:]) {
        self.jurisdiction = jurisdiction
        self.policy = policy
        self.handoverChecklists = handoverChecklists
        self.period = period
        self.asOf = asOf
        self.library = library
        self.auditProgram = auditProgram
        self.auditReassign = auditReassign
    }
}

/// A loaded workspace: its settings, the library it uses, and its cases.
public struct Workspace: Sendable {
    public var config: WorkspaceConfig
    public var library: Library
    public var cases: [AuditCase]
    /// The unit registry (`units.yaml`); nil when the workspace has none (unit kinds are then unknown).
    public var units: UnitRegistry?

    public init(config: WorkspaceConfig, library: Library, cases: [AuditCase], units: UnitRegistry? = nil) {
        self.config = config
        self.library = library
        self.cases = cases
        self.units = units
    }

    /// The policy in force.
    public var policy: Policy? { library.policies[config.policy] }
}

/// A unit of the registry (`units.yaml`): its official name, the other names it goes by, and its kind.
public struct RegisteredUnit: Sendable, Hashable {
    public var id: String
    public var name: String
    public var aliases: [String]
    public var kind: UnitKind
    public var location: SourceLocation

    public init(id: String, name: String, aliases: [String] = [], kind: UnitKind,
                location: SourceLocation = SourceLocation(file: "<memory>", line: 1, column: 1)) {
        self.id = id
        self.name = name
        self.aliases = aliases
        self.kind = kind
        self.location = location
    }
}

/// The workspace's unit registry (`units.yaml`): units are told apart by identity, not by how their name is written.
public struct UnitRegistry: Sendable, Hashable {
    public private(set) var units: [RegisteredUnit]
    private var byName: [String: Int]

    /// Units in the order given; a name or alias used twice keeps its first unit (the loader reports the second).
    public init(units: [RegisteredUnit]) {
        self.units = units
        var byName: [String: Int] = [:]
        for (i, u) in units.enumerated() {
            for n in [u.name] + u.aliases where byName[n] == nil { byName[n] = i }
        }
        self.byName = byName
    }

    /// The unit a name or alias refers to.
    public func unit(named name: String) -> RegisteredUnit? { byName[name].map { units[$0] } }

    /// Every name and alias, for suggestions.
    public var allNames: [String] { units.flatMap { [$0.name] + $0.aliases } }

    /// Whether two written names refer to the same unit: by identity when both are registered, else by the text.
    public func same(_ a: String, _ b: String) -> Bool {
        if let x = byName[a], let y = byName[b] { return x == y }
        return a == b
    }
}
