/// A value kept in one shared box and copied only when a copy of it is changed (copy-on-write), as the standard
/// library's arrays are. For model types that are passed around by the ten thousand: copying one is a single
/// retain, where a struct of a dozen reference-counted fields would retain each. Equality and hashing are the
/// value's, with a shortcut for two copies of one box.
@frozen
public struct CopyOnWrite<Value: Hashable & Sendable>: Hashable, Sendable {
    /// The box. Changed in place only while no other `CopyOnWrite` holds it, so sharing it between threads is safe.
    @usableFromInline
    final class Box: @unchecked Sendable {
        @usableFromInline var value: Value

        @inlinable
        init(_ value: Value) { self.value = value }
    }

    @usableFromInline
    var box: Box

    @inlinable
    public init(_ value: Value) { box = Box(value) }

    /// The value; changing it copies the box first when another value shares it.
    @inlinable
    public var value: Value {
        _read { yield box.value }
        _modify {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.value) }
            yield &box.value
        }
    }

    @inlinable
    public static func == (a: CopyOnWrite, b: CopyOnWrite) -> Bool { a.box === b.box || a.box.value == b.box.value }

    @inlinable
    public func hash(into hasher: inout Hasher) { box.value.hash(into: &hasher) }
}
